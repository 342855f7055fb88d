/**
 * One HTTP(S) exchange under four limits, so that no server — dead, frozen, slow or endless — can
 * hold a run or its memory: a connect limit (TCP connect and, for https, the TLS handshake), an
 * idle limit (no byte received for so long), a deadline for the whole exchange, and a cap on the
 * body (after decompression, so a small gzip bomb is caught too). Whichever fires first ends the
 * exchange, destroys its socket and says which limit it was, with its value, so messages can
 * state the limit that really fired.
 *
 * Shared by the API server client and the Prometheus client; each turns the failure into its
 * own message. Only node:http/node:https/node:zlib (and fs-errors.ts's size format).
 */

import {
  type ClientRequest,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { formatLimit, formatSize } from './fs-errors.ts';

/** The limits of one exchange, in milliseconds and bytes; a time limit of 0 means none. */
export interface RequestLimits {
  /** TCP connect and, for https, the TLS handshake, from the moment a socket is assigned. */
  connectTimeoutMs: number;
  /** Longest silence once connected: no byte received for this long. */
  idleTimeoutMs: number;
  /**
   * Whether the idle limit also runs while waiting for the response headers (default true).
   * Prometheus evaluates the whole query before its first byte, so it waits with the deadline only.
   */
  idleBeforeHeaders?: boolean;
  /** The whole exchange, from the call to the last body byte (queueing for a socket included). */
  deadlineMs: number;
  /** Largest body accepted, after decompression. */
  maxBodyBytes: number;
}

/** Which limit ended an exchange, or which error did. */
export type RequestFailure =
  | { kind: 'connect-timeout'; limitMs: number; phase: 'tcp' | 'tls' }
  | { kind: 'idle-timeout'; limitMs: number; phase: 'headers' | 'body' }
  | { kind: 'deadline'; limitMs: number }
  | { kind: 'too-large'; limitBytes: number }
  | {
      kind: 'network';
      code: string | undefined;
      message: string;
      /**
       * The request went out on a reused keep-alive socket and failed before any answer: the
       * server had likely closed that idle socket just then, and an idempotent request may be
       * sent again on a new one (as Go's transport does).
       */
      staleSocket?: boolean;
    }
  | { kind: 'decode'; message: string }
  | { kind: 'aborted'; reason: Error };

export class RequestLimitError extends Error {
  readonly failure: RequestFailure;
  constructor(failure: RequestFailure, options?: { cause?: unknown }) {
    super(describeFailure(failure), options);
    this.failure = failure;
  }
}

export interface BoundedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, decompressed when `decompress` was asked for. */
  body: Buffer;
}

/** An exchange in flight: its outcome, and a way to end it early (a circuit breaker does). */
export interface BoundedRequest {
  readonly response: Promise<BoundedResponse>;
  abort(reason: Error): void;
}

export interface BoundedRequestOptions extends RequestLimits {
  /** Request body (POST forms). */
  body?: Buffer;
  /** Decode gzip, deflate and br bodies (the cap applies to the decoded bytes). */
  decompress?: boolean;
  /** Called with each chunk's size as it comes off the wire. */
  onWireBytes?: (bytes: number) => void;
}

/** Sockets that finished connecting (and their TLS handshake): a reused keep-alive socket is. */
const connected = new WeakSet<Socket>();

/** One request's state, and what every handler of it may do; settles once. */
interface Exchange {
  settled: boolean;
  req: ClientRequest | undefined;
  res: IncomingMessage | undefined;
  decoder: Transform | undefined;
  timers: { deadline?: NodeJS.Timeout; connect?: NodeJS.Timeout; idle?: NodeJS.Timeout };
  fail: (failure: RequestFailure, cause?: unknown) => void;
  armIdle: (phase: 'headers' | 'body') => void;
  take: (chunk: Buffer) => void;
  finish: () => void;
}

/** Sends one request; the promise settles once, whichever of answer, error or limit comes first. */
export function boundedRequest(
  url: URL,
  options: RequestOptions,
  limits: BoundedRequestOptions,
): BoundedRequest {
  const isTls = url.protocol === 'https:';
  const send = isTls ? httpsRequest : httpRequest;
  let abort: (reason: Error) => void = () => {};
  const response = new Promise<BoundedResponse>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const clearTimers = (): void => {
      clearTimeout(x.timers.deadline);
      clearTimeout(x.timers.connect);
      clearTimeout(x.timers.idle);
    };
    const x: Exchange = {
      settled: false,
      req: undefined,
      res: undefined,
      decoder: undefined,
      timers: {},
      fail(failure, cause) {
        if (x.settled) return;
        x.settled = true;
        clearTimers();
        chunks.length = 0;
        x.decoder?.destroy();
        x.res?.destroy();
        x.req?.destroy();
        reject(new RequestLimitError(failure, cause === undefined ? undefined : { cause }));
      },
      armIdle(phase) {
        if (limits.idleTimeoutMs <= 0 || x.settled) return;
        clearTimeout(x.timers.idle);
        x.timers.idle = setTimeout(
          () => x.fail({ kind: 'idle-timeout', limitMs: limits.idleTimeoutMs, phase }),
          limits.idleTimeoutMs,
        );
      },
      take(chunk) {
        if (x.settled) return;
        size += chunk.length;
        if (size > limits.maxBodyBytes) {
          x.fail({ kind: 'too-large', limitBytes: limits.maxBodyBytes });
          return;
        }
        chunks.push(chunk);
      },
      finish() {
        const res = x.res;
        if (x.settled || !res) return;
        x.settled = true;
        clearTimers();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks, size) });
      },
    };
    abort = (reason) => x.fail({ kind: 'aborted', reason });

    if (limits.deadlineMs > 0) {
      x.timers.deadline = setTimeout(
        () => x.fail({ kind: 'deadline', limitMs: limits.deadlineMs }),
        limits.deadlineMs,
      );
    }
    let req: ClientRequest;
    try {
      req = send(url, options);
      x.req = req;
    } catch (error) {
      x.fail(
        { kind: 'network', code: (error as NodeJS.ErrnoException).code, message: (error as Error).message },
        error,
      );
      return;
    }
    req.on('error', (error: NodeJS.ErrnoException) =>
      x.fail(
        {
          kind: 'network',
          code: error.code,
          message: error.message,
          ...(x.req?.reusedSocket && !x.res ? { staleSocket: true } : {}),
        },
        error,
      ),
    );
    req.on('socket', (socket: Socket) => watchConnect(x, socket, isTls, limits));
    req.on('response', (incoming: IncomingMessage) => readResponse(x, incoming, limits));
    req.end(limits.body);
  });
  return { response, abort: (reason) => abort(reason) };
}

/** Bounds the connection (and its TLS handshake); once ready, the wait for headers may go idle. */
function watchConnect(x: Exchange, socket: Socket, isTls: boolean, limits: BoundedRequestOptions): void {
  const ready = (): void => {
    clearTimeout(x.timers.connect);
    connected.add(socket);
    if (limits.idleBeforeHeaders !== false) x.armIdle('headers');
  };
  // A reused keep-alive socket is ready; so is a plain socket that connected already.
  if (connected.has(socket) || (!isTls && !socket.connecting)) {
    ready();
    return;
  }
  if (limits.connectTimeoutMs > 0) {
    x.timers.connect = setTimeout(
      () =>
        x.fail({
          kind: 'connect-timeout',
          limitMs: limits.connectTimeoutMs,
          phase: socket.connecting ? 'tcp' : 'tls',
        }),
      limits.connectTimeoutMs,
    );
  }
  socket.once(isTls ? 'secureConnect' : 'connect', ready);
}

/** Reads the answer's body, decoded when asked, within the size and idle limits. */
function readResponse(x: Exchange, incoming: IncomingMessage, limits: BoundedRequestOptions): void {
  x.res = incoming;
  if (x.settled) {
    incoming.destroy();
    return;
  }
  x.armIdle('body');
  const encoding = String(incoming.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  if (limits.decompress) x.decoder = decoderFor(encoding);
  const decoder = x.decoder;
  if (decoder) {
    decoder.on('data', x.take);
    decoder.on('end', x.finish);
    decoder.on('error', (error: Error) => x.fail({ kind: 'decode', message: error.message }, error));
  }
  incoming.on('data', (chunk: Buffer) => {
    limits.onWireBytes?.(chunk.length);
    x.armIdle('body');
    if (decoder) {
      // The wire can only be smaller than what it decodes to; cap it too, before inflating.
      if (chunk.length > limits.maxBodyBytes) x.fail({ kind: 'too-large', limitBytes: limits.maxBodyBytes });
      else decoder.write(chunk);
    } else {
      x.take(chunk);
    }
  });
  incoming.on('end', () => {
    if (decoder) decoder.end();
    else x.finish();
  });
  incoming.on('error', (error: NodeJS.ErrnoException) =>
    x.fail({ kind: 'network', code: error.code, message: error.message }, error),
  );
  incoming.on('close', () => {
    if (!incoming.complete)
      x.fail({
        kind: 'network',
        code: 'ECONNRESET',
        message: 'the connection closed before the answer ended',
      });
  });
}

function decoderFor(encoding: string): Transform | undefined {
  if (encoding === 'gzip' || encoding === 'x-gzip') return createGunzip();
  if (encoding === 'deflate') return createInflate();
  if (encoding === 'br') return createBrotliDecompress();
  return undefined;
}

export { formatLimit, formatSize };

/** A neutral description; clients usually say more with what they know of the server. */
export function describeFailure(failure: RequestFailure): string {
  switch (failure.kind) {
    case 'connect-timeout':
      return failure.phase === 'tcp'
        ? `no TCP connection within ${formatLimit(failure.limitMs)} (connect timeout)`
        : `no TLS handshake within ${formatLimit(failure.limitMs)} (connect timeout)`;
    case 'idle-timeout':
      return failure.phase === 'headers'
        ? `no answer for ${formatLimit(failure.limitMs)} (idle timeout)`
        : `the answer stalled: no byte for ${formatLimit(failure.limitMs)} (idle timeout)`;
    case 'deadline':
      return `not complete within ${formatLimit(failure.limitMs)}`;
    case 'too-large':
      return `the answer exceeded ${formatSize(failure.limitBytes)}; stopped reading it`;
    case 'network':
      return failure.message || failure.code || 'network error';
    case 'decode':
      return `the body could not be decompressed (${failure.message})`;
    case 'aborted':
      return failure.reason.message;
  }
}
