/**
 * Raw JSON requests to the API server with the kubeconfig's credentials. hindsight lists
 * objects as plain JSON rather than client-node's typed models: the analyses read plain
 * objects, and skipping model conversion keeps lists of 100k pods fast and small.
 *
 * Every request is bounded (ADR 0007): a connect limit (TCP and TLS handshake), an idle limit,
 * a total deadline (`--request-timeout`, as kubectl's) and a cap on the answer's size. And the
 * client is a circuit breaker: once the server has failed to answer — a limit fired, the
 * connection was refused or reset, the credentials could not be had — every request in flight
 * and every later one fails at once with that same error, so a dead or frozen API server ends a
 * run of ~50 lists in one timeout rather than fifty.
 */

import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { SourceError } from '../../core/errors.ts';
import {
  type BoundedRequest,
  boundedRequest,
  formatLimit,
  formatSize,
  type RequestFailure,
  RequestLimitError,
} from '../bounded-request.ts';
import { CLUSTER_CLIENT_DEFAULTS, type ClusterClientOptions } from './client-options.ts';
import type { ClusterAccess } from './cluster-access.ts';
import { ExecCredentialError, ExecCredentials } from './exec-credential.ts';

export { CLUSTER_CLIENT_DEFAULTS, type ClusterClientOptions } from './client-options.ts';

export interface ApiResult {
  status: number;
  body: string;
}

/**
 * The cluster cannot be read at all: the API server did not answer (a limit fired, the connection
 * was refused or reset, TLS failed) or the credentials could not be obtained. Every request of
 * the client fails with the same instance, so callers report it once.
 */
export class ClusterUnavailableError extends SourceError {
  override readonly name = 'ClusterUnavailableError';
}

export class ClusterClient {
  readonly server: string;
  /** `context (server)`: how errors name the cluster. */
  readonly source: string;
  private readonly access: ClusterAccess;
  private readonly limits: Required<ClusterClientOptions>;
  private readonly exec: ExecCredentials | undefined;
  private readonly tokenFile: TokenFile | undefined;
  /** client-node's view of the context, for an auth provider only it can apply (oidc, azure, gcp). */
  private provider: Promise<KubeConfig> | undefined;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly streamAgent: HttpAgent | HttpsAgent;
  private readonly inFlight = new Set<BoundedRequest>();
  private failure: ClusterUnavailableError | undefined;

  /** Whether the first server failure fails every later request (one run: yes; `serve`: no). */
  private readonly breaker: boolean;

  constructor(access: ClusterAccess, options: ClusterClientOptions = {}, breaker = true) {
    this.breaker = breaker;
    this.access = access;
    const { cluster, user } = access;
    this.server = cluster.server.replace(/\/$/, '');
    this.source = `${access.context} (${this.server})`;
    this.limits = { ...CLUSTER_CLIENT_DEFAULTS, ...definedOnly(options) };
    // client-node would run an exec plugin itself, unbounded: hindsight runs it under its limits.
    this.exec = user.exec
      ? new ExecCredentials(user.exec, {
          timeoutMs: this.limits.execTimeoutMs,
          cluster: {
            server: cluster.server,
            ...(cluster.caData ? { certificateAuthorityData: cluster.caData } : {}),
            ...(cluster.skipTLSVerify ? { insecureSkipTlsVerify: true } : {}),
            ...(cluster.tlsServerName ? { tlsServerName: cluster.tlsServerName } : {}),
          },
        })
      : undefined;
    this.tokenFile = user.tokenFile ? new TokenFile(user.tokenFile) : undefined;
    // TLS options go with each request; the agent keys its pooled sockets by them.
    this.agent = this.server.startsWith('http:')
      ? new HttpAgent({ keepAlive: true, maxSockets: 8 })
      : new HttpsAgent({ keepAlive: true, maxSockets: 8 });
    this.streamAgent = this.server.startsWith('http:')
      ? new HttpAgent({ keepAlive: true })
      : new HttpsAgent({ keepAlive: true });
  }

  async get(path: string, accept = 'application/json'): Promise<ApiResult> {
    try {
      return await this.send(path, accept);
    } catch (error) {
      // A keep-alive socket the server closed as we reused it: once more, on a new connection.
      if (!(error instanceof StaleSocketError)) throw error;
      return this.send(path, accept, true);
    }
  }

  /**
   * Server-side apply of one object (`PATCH` with `application/apply-patch+yaml`, JSON being
   * YAML), owned by `fieldManager`. The only write hindsight makes, and only when a command
   * says so (`serve --policy-reports`).
   */
  async apply(path: string, object: unknown, fieldManager: string): Promise<ApiResult> {
    const query = `${path.includes('?') ? '&' : '?'}fieldManager=${encodeURIComponent(fieldManager)}&force=true`;
    return this.send(path + query, 'application/json', false, {
      method: 'PATCH',
      contentType: 'application/apply-patch+yaml',
      body: Buffer.from(JSON.stringify(object)),
    });
  }

  private async send(
    path: string,
    accept: string,
    isRetry = false,
    write?: { method: 'PATCH'; contentType: string; body: Buffer },
  ): Promise<ApiResult> {
    if (this.failure) throw this.failure;
    const url = new URL(this.server + path);
    const options: RequestOptions = {
      method: write?.method ?? 'GET',
      headers: write
        ? { accept, 'content-type': write.contentType, 'content-length': String(write.body.length) }
        : { accept },
    };
    try {
      await this.applyCredentials(options);
    } catch (error) {
      throw this.trip(
        error instanceof ClusterUnavailableError
          ? error
          : new ClusterUnavailableError(
              this.source,
              error instanceof ExecCredentialError
                ? error.message
                : `cannot use the kubeconfig's credentials: ${(error as Error).message}`,
              { cause: error },
            ),
      );
    }
    // Tripped while this request waited for its credentials.
    if (this.failure) throw this.failure;
    const request = boundedRequest(
      url,
      { ...options, agent: this.agent },
      {
        connectTimeoutMs: this.limits.connectTimeoutMs,
        idleTimeoutMs: this.limits.idleTimeoutMs,
        deadlineMs: this.limits.requestTimeoutMs,
        maxBodyBytes: this.limits.maxResponseBytes,
        ...(write ? { body: write.body } : {}),
      },
    );
    this.inFlight.add(request);
    try {
      const response = await request.response;
      return { status: response.status, body: response.body.toString('utf8') };
    } catch (error) {
      if (!(error instanceof RequestLimitError)) throw error;
      const failure = error.failure;
      if (failure.kind === 'aborted') throw failure.reason;
      if (failure.kind === 'network' && failure.staleSocket && !isRetry && !write)
        throw new StaleSocketError();
      // Too large is about this one answer; the server is fine and the other lists go on.
      if (failure.kind === 'too-large')
        throw new Error(
          `the answer to GET ${path} exceeded ${formatSize(failure.limitBytes)}; stopped reading it (use a smaller page size or -n NAMESPACE)`,
        );
      throw this.trip(
        new ClusterUnavailableError(this.source, this.describe(failure, path), { cause: error }),
      );
    } finally {
      this.inFlight.delete(request);
    }
  }

  /**
   * A long-lived streaming GET (a watch): each line of the answer is handed to `onLine` as it
   * arrives. Bounded like every request — connect limit, and an idle limit (`idleMs`, which
   * watch bookmarks keep from firing), lines capped at `maxLineBytes` — but a watch that fails
   * is the caller's to retry: it never trips the client's breaker. Resolves with the HTTP
   * status when the server ends the stream; rejects on a limit, a network error or `signal`.
   */
  async stream(
    path: string,
    onLine: (line: string) => void,
    options: { signal?: AbortSignal; idleMs: number; maxLineBytes?: number },
  ): Promise<number> {
    if (this.failure) throw this.failure;
    const url = new URL(this.server + path);
    const requestOptions: RequestOptions = { method: 'GET', headers: { accept: 'application/json' } };
    await this.applyCredentials(requestOptions);
    const maxLine = options.maxLineBytes ?? 64 * 1024 * 1024;
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise<number>((resolve, reject) => {
      let settled = false;
      const finish = (error?: Error, status?: number) => {
        if (settled) return;
        settled = true;
        clearTimeout(idle);
        clearTimeout(connect);
        options.signal?.removeEventListener('abort', onAbort);
        if (error) {
          request.destroy();
          reject(error);
        } else resolve(status as number);
      };
      const onAbort = () => finish(new Error('the watch was stopped'));
      let idle: NodeJS.Timeout | undefined;
      const touch = () => {
        clearTimeout(idle);
        idle = setTimeout(
          () => finish(new Error(`no event or bookmark for ${formatLimit(options.idleMs)} on GET ${path}`)),
          options.idleMs,
        );
      };
      // Watches hold their connection for minutes: they get their own pool, so that they never
      // wait behind each other or starve the lists of the shared one.
      const request = send(url, { ...requestOptions, agent: this.streamAgent }, (response) => {
        clearTimeout(connect);
        touch();
        let pending = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          touch();
          pending += chunk;
          let newline = pending.indexOf('\n');
          while (newline !== -1) {
            const line = pending.slice(0, newline);
            pending = pending.slice(newline + 1);
            if (line.trim() !== '') onLine(line);
            newline = pending.indexOf('\n');
          }
          if (pending.length > maxLine)
            finish(new Error(`a watch event on GET ${path} exceeded ${formatSize(maxLine)}; stopped`));
        });
        response.on('end', () => {
          if (pending.trim() !== '') onLine(pending);
          finish(undefined, response.statusCode ?? 0);
        });
        response.on('error', (error) => finish(error));
      });
      const connect = setTimeout(
        () =>
          finish(new Error(`no answer to GET ${path} within ${formatLimit(this.limits.connectTimeoutMs)}`)),
        this.limits.connectTimeoutMs,
      );
      request.on('error', (error) => finish(error));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.signal?.aborted) onAbort();
      request.end();
    });
  }

  close(): void {
    for (const request of this.inFlight) request.abort(new Error('the client was closed'));
    this.agent.destroy();
    this.streamAgent.destroy();
  }

  /**
   * The context's credentials on one request, as client-node would add them: files are read at
   * each request (a rotated certificate is picked up), a token file at most once a minute.
   */
  private async applyCredentials(options: RequestOptions): Promise<void> {
    const { cluster, user } = this.access;
    if (cluster.skipTLSVerify) options.rejectUnauthorized = false;
    if (cluster.tlsServerName) options.servername = cluster.tlsServerName;
    const ca = fileOrData(cluster.caFile, cluster.caData);
    if (ca) options.ca = ca;
    const cert = fileOrData(user.certFile, user.certData);
    if (cert) options.cert = cert;
    const key = fileOrData(user.keyFile, user.keyData);
    if (key) options.key = key;
    const headers = { ...(options.headers as Record<string, string>) };
    if (user.impersonateUser) headers['Impersonate-User'] = user.impersonateUser;
    if (user.username) options.auth = `${user.username}:${user.password ?? ''}`;
    if (user.authProvider) {
      // Loaded only for these providers; their tokens expire and client-node refreshes them.
      this.provider ??= providerConfig(this.access);
      const view: RequestOptions = { headers: {} };
      await (await this.provider).applyToHTTPSOptions(view);
      const authorization = (view.headers as Record<string, string> | undefined)?.Authorization;
      if (authorization) headers.Authorization = authorization;
    }
    const fileToken = this.tokenFile?.read();
    if (fileToken) headers.Authorization = `Bearer ${fileToken}`;
    if (user.token) headers.Authorization = `Bearer ${user.token}`;
    options.headers = headers;
    if (!this.exec) return;
    const status = await this.exec.get();
    if (status.clientCertificateData) options.cert = status.clientCertificateData;
    if (status.clientKeyData) options.key = status.clientKeyData;
    // As client-node: a static token in the kubeconfig wins over the plugin's.
    if (status.token && !user.token) {
      options.headers = { ...options.headers, Authorization: `Bearer ${status.token}` };
    }
  }

  /** Fails the requests in flight and every later one with `error` (the first one wins). */
  private trip(error: ClusterUnavailableError): ClusterUnavailableError {
    // A long-lived watcher retries instead: one failure must not end every later request.
    if (!this.breaker) return error;
    if (this.failure) return this.failure;
    this.failure = error;
    for (const request of this.inFlight) request.abort(error);
    return error;
  }

  private describe(failure: RequestFailure, path: string): string {
    const host = new URL(this.server).host;
    switch (failure.kind) {
      case 'connect-timeout':
        return failure.phase === 'tcp'
          ? `no TCP connection to ${host} within ${formatLimit(failure.limitMs)} (connect timeout): the API server is down or unreachable; no further requests were sent`
          : `the API server at ${host} accepted the connection but did not complete the TLS handshake within ${formatLimit(failure.limitMs)} (connect timeout): it is frozen or overloaded; no further requests were sent`;
      case 'idle-timeout':
        return `the API server sent nothing for ${formatLimit(failure.limitMs)} (idle timeout) ${failure.phase === 'headers' ? 'after' : 'in the middle of'} GET ${path}: it is frozen or overloaded; the other requests were stopped`;
      case 'deadline':
        return `GET ${path} did not complete within ${formatLimit(failure.limitMs)} (--request-timeout); the other requests were stopped`;
      case 'network':
        return `${networkReason(failure.code, failure.message, host)} (GET ${path}); no further requests were sent`;
      default:
        return `GET ${path}: ${failure.kind}`;
    }
  }
}

function networkReason(code: string | undefined, message: string, host: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${host}: is the API server running, and is this the right context?`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `the connection to ${host} was reset`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host ${new URL(`https://${host}`).hostname} not found`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${host} is unreachable (${code})`;
    default:
      // Node names certificate failures by OpenSSL's codes: SELF_SIGNED_CERT_IN_CHAIN, CERT_HAS_EXPIRED, …
      return code && /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|ERR_SSL/.test(code)
        ? `TLS with ${host} failed: ${message} (check the kubeconfig's certificate-authority)`
        : `${host}: ${message}`;
  }
}

class StaleSocketError extends Error {}

/** A certificate or key from its file (read now) or from the kubeconfig's base64 data. */
function fileOrData(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (file) return readFileSync(file);
  return data ? Buffer.from(data, 'base64') : undefined;
}

/**
 * A bearer token kept in a file that is rewritten as it rotates (the in-cluster service
 * account's, about hourly): read again when a minute old, as client-go and client-node do.
 */
class TokenFile {
  private token: string | undefined;
  private readAt = 0;
  private readonly path: string;
  constructor(path: string) {
    this.path = path;
  }

  read(): string | undefined {
    if (this.token === undefined || Date.now() - this.readAt > 60_000) {
      this.token = readFileSync(this.path, 'utf8').trim();
      this.readAt = Date.now();
    }
    return this.token;
  }
}

/** client-node's KubeConfig of just this context, for the auth providers it refreshes. */
async function providerConfig(access: ClusterAccess): Promise<KubeConfig> {
  const { KubeConfig: KubeConfigClass } = await import('@kubernetes/client-node');
  const kc = new KubeConfigClass();
  const { cluster, user } = access;
  kc.loadFromOptions({
    // Only the Authorization header is taken from this view: its TLS settings go unused, and
    // with verification off client-node does not refuse a plain-HTTP server while making them.
    clusters: [{ name: cluster.name, server: cluster.server, skipTLSVerify: true }],
    users: [{ name: user.name, authProvider: user.authProvider }],
    contexts: [{ name: access.context, cluster: cluster.name, user: user.name }],
    currentContext: access.context,
  });
  return kc;
}

function definedOnly(options: ClusterClientOptions): ClusterClientOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}
