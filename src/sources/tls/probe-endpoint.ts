/**
 * Live TLS endpoints: connects, records the chain the server actually serves, and hangs up.
 * The handshake does not verify anything (an expired or untrusted chain is exactly what we want
 * to see); the analyzer verifies the recorded chain against the trust that matters — the
 * kubeconfig's CA for an API server, the advertised caBundle for a webhook.
 *
 * `--endpoint` syntax: `host:port`, `[::1]:port`, `host` (port 443), and `name:port@address:port`
 * to connect to `address` while presenting `name` (SNI) — how a webhook's Service
 * (`svc.ns.svc:443`) is reached through a port-forward or a node address.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { connect, type DetailedPeerCertificate } from 'node:tls';
import { SourceError, UsageError } from '../../core/errors.ts';
import { formatLimit } from '../bounded-request.ts';
import type { Discovery, EndpointLocation } from './discovery.ts';

/** One `--endpoint`: the name it is matched by, and where to connect. */
export interface EndpointSpec {
  /** `host:port` as named (what webhooks are matched against). */
  endpoint: string;
  host: string;
  port: number;
  /** Where to connect, when not `host:port` itself. */
  connectHost: string;
  connectPort: number;
}

function splitHostPort(text: string, flag: string): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:[\]]+)(?::(\d+))?$/.exec(text);
  const match = v6 ?? plain;
  if (!match?.[1]) throw new UsageError(`${flag} ${text}: expected host:port`);
  const port = match[2] === undefined ? 443 : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError(`${flag} ${text}: port must be 1–65535`);
  return { host: match[1], port };
}

/** Parses one `--endpoint` value. */
export function parseEndpointSpec(text: string, flag = '--endpoint'): EndpointSpec {
  const at = text.indexOf('@');
  const named = splitHostPort(at === -1 ? text : text.slice(0, at), flag);
  const target = at === -1 ? named : splitHostPort(text.slice(at + 1), flag);
  const endpoint = `${named.host.includes(':') ? `[${named.host}]` : named.host}:${named.port}`;
  return { endpoint, host: named.host, port: named.port, connectHost: target.host, connectPort: target.port };
}

/** Timeout, purpose, and the trust to verify an API server against. */
export interface ProbeOptions {
  timeoutMs: number;
  purpose: EndpointLocation['purpose'];
  trustAnchors?: X509Certificate[];
}

/** The served chain, leaf first, as DER-backed certificates. */
function chainOf(peer: DetailedPeerCertificate): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = peer;
  while (current?.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(new X509Certificate(current.raw));
    if (current.issuerCertificate === current) break;
    current = current.issuerCertificate;
  }
  return chain;
}

/**
 * Connects to the endpoint and adds its served chain to `into`; a failure (refused, timed out,
 * no TLS) is an error naming `tls://host:port`, and the run goes on.
 */
export async function probeEndpoint(
  spec: EndpointSpec,
  options: ProbeOptions,
  into: Discovery,
): Promise<void> {
  const source = `tls://${spec.endpoint}`;
  const location: EndpointLocation = {
    kind: 'endpoint',
    endpoint: spec.endpoint,
    host: spec.host,
    port: spec.port,
    purpose: options.purpose,
    ...(options.trustAnchors ? { trustAnchors: options.trustAnchors } : {}),
  };
  let chain: X509Certificate[];
  try {
    chain = await handshake(spec, options.timeoutMs);
  } catch (error) {
    into.errors.push(
      new SourceError(source, describeNetError(error, spec, options.timeoutMs), { cause: error }),
    );
    return;
  }
  into.endpoints.push(location);
  if (chain.length === 0) {
    into.errors.push(new SourceError(source, 'the server presented no certificate'));
    return;
  }
  chain.forEach((certificate, index) => {
    into.certificates.push({ location, index, count: chain.length, certificate });
  });
}

/** Connect and handshake under one limit; the socket never outlives the call. */
function handshake(spec: EndpointSpec, timeoutMs: number): Promise<X509Certificate[]> {
  return new Promise((resolveChain, reject) => {
    const socket = connect({
      host: spec.connectHost,
      port: spec.connectPort,
      ...(isIP(spec.host) === 0 ? { servername: spec.host } : {}),
      rejectUnauthorized: false,
    });
    // One limit for DNS, TCP connect and the TLS handshake; it says which of them it cut.
    const timer = setTimeout(() => {
      const phase = socket.connecting ? 'tcp' : 'tls';
      socket.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT', phase }));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      try {
        resolveChain(chainOf(socket.getPeerCertificate(true)));
      } catch (error) {
        reject(error);
      } finally {
        socket.end();
        socket.destroy();
      }
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function describeNetError(error: unknown, spec: EndpointSpec, timeoutMs: number): string {
  const code = (error as NodeJS.ErrnoException).code;
  const via =
    spec.connectHost !== spec.host || spec.connectPort !== spec.port
      ? ` (via ${spec.connectHost}:${spec.connectPort})`
      : '';
  switch (code) {
    case 'ETIMEDOUT':
      return (error as { phase?: string }).phase === 'tcp'
        ? `no TCP connection within ${formatLimit(timeoutMs)}${via}`
        : `no TLS handshake within ${formatLimit(timeoutMs)}${via}`;
    case 'ECONNREFUSED':
      return `connection refused${via}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host ${spec.connectHost} not found${via ? '' : ' (for a Service name, use name.ns.svc:443@ADDRESS:PORT)'}`;
    case 'ECONNRESET':
      return `connection reset during the TLS handshake${via} (is it a TLS port?)`;
    default:
      return `${(error as Error).message}${via}`;
  }
}
