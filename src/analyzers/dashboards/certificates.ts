/**
 * Certificates and cliffs: every certificate the cluster holds, from the x509-certificate-
 * exporter series `hindsight serve` writes (docs/metrics.md), the expiry cliffs its certificate
 * checks find (many certificates expiring together) as `hindsight_findings`, and whether the
 * certificate reads are current. A Secret's certificate belongs to `secret_namespace`.
 */
import type { DashboardSpec } from './model.ts';

const SERVE = 'cluster=~"$cluster"';
const SECRETS = 'cluster=~"$cluster", secret_namespace=~"$namespace"';
/** The distinguished-name parts a table leaves out (the CNs stay). */
const DN_DETAIL = ['C', 'ST', 'L', 'O', 'OU'].flatMap((f) => [`issuer_${f}`, `subject_${f}`]).join(', ');
const CERT_FINDINGS =
  'cluster=~"$cluster", namespace=~"$namespace", team=~"$team", lesson="certificate-expiry"';

export const CERTIFICATES: DashboardSpec = {
  uid: 'hindsight-certificates',
  title: 'hindsight / Certificates and cliffs',
  description:
    'Every certificate in the cluster and when it expires, the expiry cliffs (many certificates at once) hindsight finds, and whether the reads are current.',
  tags: ['certificates'],
  from: 'now-7d',
  panels: [
    {
      type: 'stat',
      title: 'Expired',
      description: 'Certificates past their notAfter.',
      unit: 'short',
      width: 6,
      redFrom: 1,
      queries: [{ expr: `sum(x509_cert_expired{${SECRETS}}) or vector(0)`, instant: true }],
    },
    {
      type: 'stat',
      title: 'Expiring within 30 days',
      description: 'The alert warns at 30 days and pages at 7.',
      unit: 'short',
      width: 6,
      redFrom: 1,
      queries: [
        { expr: `count(x509_cert_expires_in_seconds{${SECRETS}} < 30 * 86400) or vector(0)`, instant: true },
      ],
    },
    {
      type: 'stat',
      title: 'Certificate read errors',
      description: 'Errors of the last certificate read, and certificates that could not be parsed.',
      unit: 'short',
      width: 6,
      redFrom: 1,
      queries: [
        {
          expr: `sum(hindsight_certificates_read_errors{${SERVE}}) + sum(x509_read_errors{${SERVE}})`,
          instant: true,
        },
      ],
    },
    {
      type: 'stat',
      title: 'Since the last certificate read',
      description:
        'Certificates are read every --certs-interval (default 10 min) and after relevant changes.',
      unit: 's',
      width: 6,
      redFrom: 3600,
      queries: [
        { expr: `time() - max(hindsight_certificates_last_read_timestamp_seconds{${SERVE}})`, instant: true },
      ],
    },
    {
      type: 'table',
      title: 'Soonest to expire',
      description: 'The 20 certificates that expire first, with where they are kept.',
      unit: 's',
      width: 24,
      sortBy: { column: 'Value', desc: false },
      queries: [
        {
          // Where it is kept and its names; not the serial or the other DN parts, which crowd out the value.
          expr: `bottomk(20, max without (instance, job, serial_number, crl_number, discriminator, ${DN_DETAIL}) (x509_cert_expires_in_seconds{${SECRETS}}))`,
          instant: true,
        },
      ],
    },
    {
      type: 'timeseries',
      title: 'Certificates expiring within 7, 30 and 90 days',
      description: 'A step is a cliff: many certificates (often from one bootstrap) expiring together.',
      unit: 'short',
      width: 12,
      queries: [
        {
          expr: `count(x509_cert_expires_in_seconds{${SECRETS}} < 7 * 86400) or vector(0)`,
          legend: 'within 7 days',
        },
        {
          expr: `count(x509_cert_expires_in_seconds{${SECRETS}} < 30 * 86400) or vector(0)`,
          legend: 'within 30 days',
        },
        {
          expr: `count(x509_cert_expires_in_seconds{${SECRETS}} < 90 * 86400) or vector(0)`,
          legend: 'within 90 days',
        },
      ],
    },
    {
      type: 'timeseries',
      title: 'Certificate findings by rule',
      description: 'certificate-expiring, certificate-expiry-cliff and the other certificate checks.',
      unit: 'short',
      width: 12,
      queries: [{ expr: `sum by (rule) (hindsight_findings{${CERT_FINDINGS}})`, legend: '{{rule}}' }],
    },
    {
      type: 'table',
      title: 'Expiry cliffs',
      description: 'Namespaces where hindsight found many certificates expiring within days of each other.',
      unit: 'short',
      width: 24,
      queries: [
        {
          expr: `sum by (namespace, team, severity) (hindsight_findings{${CERT_FINDINGS}, rule="certificate-expiry-cliff"})`,
          instant: true,
        },
      ],
    },
  ],
};
