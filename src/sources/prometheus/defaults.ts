/** Defaults of the Prometheus client that flag help states too (kept apart from the client, which loads node:http). */

/** Default of `PrometheusClientOptions.maxResponseBytes`. */
export const DEFAULT_PROMETHEUS_MAX_RESPONSE_BYTES = 128 * 1024 * 1024;
