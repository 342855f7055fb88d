/**
 * A PrometheusRule (monitoring.coreos.com/v1) over x509-certificate-exporter's metrics (or
 * hindsight's own, same names) with the two tiers of the two-tier alerting lesson: a warning
 * inside `--warn` (to a team channel) and a critical page inside `--critical`, plus not-yet-valid
 * and read-error alerts. The tiers do not overlap, so a certificate pages once, not twice.
 */
import { dump } from 'js-yaml';
import { DAY_MS, formatDuration } from './duration.ts';

/** Thresholds and metadata of the generated PrometheusRule. */
export interface PrometheusRuleOptions {
  warnMs: number;
  criticalMs: number;
  name?: string;
  namespace?: string;
  /** Extra labels on the PrometheusRule itself (the Prometheus operator's ruleSelector). */
  labels?: Record<string, string>;
}

/** `30 * 86400` for whole days, otherwise seconds: readable and exact. */
function seconds(ms: number): string {
  return ms % DAY_MS === 0 ? `${ms / DAY_MS} * 86400` : String(Math.round(ms / 1000));
}

const WHERE =
  '{{ with $labels.filepath }}{{ . }}{{ end }}{{ with $labels.secret_name }}Secret {{ $labels.secret_namespace }}/{{ . }} key {{ $labels.secret_key }}{{ end }}{{ with $labels.configmap_name }}ConfigMap {{ $labels.configmap_namespace }}/{{ . }}{{ end }}{{ with $labels.cabundle_resource_name }}{{ $labels.cabundle_resource_kind }} {{ . }} {{ $labels.cabundle_entry }}{{ end }}';

/** The PrometheusRule object: renewal (warning), expiration (critical), not-yet-valid, read errors. */
export function buildPrometheusRule(options: PrometheusRuleOptions): Record<string, unknown> {
  const left = '(x509_cert_not_after - time())';
  const warn = formatDuration(options.warnMs);
  const critical = formatDuration(options.criticalMs);
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: options.name ?? 'hindsight-certificates',
      ...(options.namespace ? { namespace: options.namespace } : {}),
      labels: {
        'app.kubernetes.io/name': 'hindsight',
        'app.kubernetes.io/component': 'certificates',
        ...options.labels,
      },
    },
    spec: {
      groups: [
        {
          name: 'hindsight-certificates',
          rules: [
            {
              alert: 'CertificateRenewal',
              expr: `${left} < (${seconds(options.warnMs)}) and ${left} >= (${seconds(options.criticalMs)})`,
              for: '15m',
              labels: { severity: 'warning' },
              annotations: {
                summary: `Certificate expires in less than ${warn}`,
                description: `Certificate "{{ $labels.subject_CN }}" (issuer "{{ $labels.issuer_CN }}") in ${WHERE} expires in {{ $value | humanizeDuration }}. Renew it this week; hindsight certs names the component and the runbook.`,
              },
            },
            {
              alert: 'CertificateExpiration',
              expr: `${left} < (${seconds(options.criticalMs)})`,
              for: '15m',
              labels: { severity: 'critical' },
              annotations: {
                summary: `Certificate expires in less than ${critical}, or has expired`,
                description: `Certificate "{{ $labels.subject_CN }}" (issuer "{{ $labels.issuer_CN }}") in ${WHERE} expires in {{ $value | humanizeDuration }} (negative: expired). If it is a control-plane certificate the cluster stops when it goes: renew now (hindsight certs shows how).`,
              },
            },
            {
              alert: 'CertificateNotYetValid',
              expr: '(x509_cert_not_before - time()) > 0',
              for: '15m',
              labels: { severity: 'warning' },
              annotations: {
                summary: 'Certificate is not valid yet',
                description: `Certificate "{{ $labels.subject_CN }}" in ${WHERE} becomes valid in {{ $value | humanizeDuration }}: clients reject it until then (clock skew, or issued for the future).`,
              },
            },
            {
              alert: 'CertificateReadErrors',
              expr: 'delta(x509_read_errors[15m]) > 0',
              for: '5m',
              labels: { severity: 'warning' },
              annotations: {
                summary: 'Certificates could not be read',
                description:
                  'The certificate exporter fails to read some certificates: their expiry is not being watched.',
              },
            },
          ],
        },
      ],
    },
  };
}

/** The PrometheusRule as YAML, ready for kubectl apply. */
export function renderPrometheusRule(options: PrometheusRuleOptions): string {
  return dump(buildPrometheusRule(options), { noRefs: true, lineWidth: -1 });
}
