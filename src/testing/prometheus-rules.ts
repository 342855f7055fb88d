/** PrometheusRule objects for rule tests: one group, the given rules. */

export interface TestAlert {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function prometheusRule(
  name: string,
  rules: TestAlert[],
  options: { namespace?: string; labels?: Record<string, string>; group?: string } = {},
): object {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name,
      namespace: options.namespace ?? 'monitoring',
      ...(options.labels ? { labels: options.labels } : {}),
    },
    spec: { groups: [{ name: options.group ?? name, rules }] },
  };
}
