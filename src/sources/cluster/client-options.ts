/**
 * The limits of the API client, apart from the client itself so that flag parsing and help texts
 * do not load it (and @kubernetes/client-node with it).
 */

/** The limits of the client's requests; a time of 0 means no limit. */
export interface ClusterClientOptions {
  /** Whole request, from the call to the last byte: kubectl's `--request-timeout`. Default 60 s. */
  requestTimeoutMs?: number;
  /** TCP connect plus TLS handshake. Default 10 s. */
  connectTimeoutMs?: number;
  /** No byte from the server for this long, waiting for the headers or within the body. Default 30 s. */
  idleTimeoutMs?: number;
  /** Largest answer read. Default 500 MiB: a 500-item page of large objects, and under V8's string limit. */
  maxResponseBytes?: number;
  /** Exec credential plugins are killed after this long. Default 10 s. */
  execTimeoutMs?: number;
}

/** Defaults of {@link ClusterClientOptions}, for help texts and docs. */
export const CLUSTER_CLIENT_DEFAULTS = {
  requestTimeoutMs: 60_000,
  connectTimeoutMs: 10_000,
  idleTimeoutMs: 30_000,
  maxResponseBytes: 500 * 1024 * 1024,
  execTimeoutMs: 10_000,
} as const satisfies Required<ClusterClientOptions>;
