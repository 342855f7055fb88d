/**
 * The certificates as Prometheus metrics in x509-certificate-exporter's shape — the metric names
 * (`x509_cert_not_after`, `x509_cert_not_before`, `x509_cert_expired`,
 * `x509_cert_expires_in_seconds`, `x509_cert_valid_since_seconds`, `x509_read_errors`) and its v4
 * unified label schema, `""` where a label does not apply — so dashboards and alerts written for
 * the exporter work unchanged. One series set per place a certificate was found, as the exporter
 * does. Served chains (which the exporter does not probe) carry `filename` = `host:port` and
 * `filepath` = `tls://host:port`.
 */
import { basename } from 'node:path';
import { Gauge, Registry } from 'prom-client';
import type { CertificateLocation } from '../../sources/tls/discovery.ts';
import type { CertAnalysis } from './analysis.ts';
import type { CertificateRecord, Placement } from './certificate-inventory.ts';

const DN_FIELDS = ['C', 'ST', 'L', 'O', 'OU', 'CN'] as const;

/** The exporter's label names, in its order. */
export const X509_LABELS = [
  'filename',
  'filepath',
  'embedded_kind',
  'embedded_key',
  'secret_namespace',
  'secret_name',
  'secret_key',
  'configmap_namespace',
  'configmap_name',
  'configmap_key',
  'cabundle_resource_kind',
  'cabundle_resource_name',
  'cabundle_entry',
  'serial_number',
  'crl_number',
  ...DN_FIELDS.map((f) => `issuer_${f}`),
  ...DN_FIELDS.map((f) => `subject_${f}`),
  'discriminator',
] as const;

type LabelName = (typeof X509_LABELS)[number];
type Labels = Record<LabelName, string>;

function locationLabels(location: CertificateLocation): Partial<Labels> {
  switch (location.kind) {
    case 'file':
      return { filename: basename(location.path), filepath: location.path };
    case 'kubeconfig':
      return {
        filename: basename(location.path),
        filepath: location.path,
        embedded_kind: location.embeddedKind,
        embedded_key: location.entry,
      };
    case 'secret':
      return { secret_namespace: location.namespace, secret_name: location.name, secret_key: location.key };
    case 'configmap':
      return {
        configmap_namespace: location.namespace,
        configmap_name: location.name,
        configmap_key: location.key,
      };
    case 'cabundle':
      return {
        cabundle_resource_kind: location.resourceKind,
        cabundle_resource_name: location.resourceName,
        cabundle_entry: location.entry,
      };
    case 'endpoint':
      return { filename: location.endpoint, filepath: `tls://${location.endpoint}` };
  }
}

function labelsOf(record: CertificateRecord, placement: Placement): Labels {
  const labels = Object.fromEntries(X509_LABELS.map((l) => [l, ''])) as Labels;
  Object.assign(labels, locationLabels(placement.location));
  labels.serial_number = record.serial;
  for (const f of DN_FIELDS) {
    labels[`issuer_${f}`] = record.issuer[f] ?? '';
    labels[`subject_${f}`] = record.subject[f] ?? '';
  }
  return labels;
}

/** Prometheus exposition text for every certificate placement, at the analysis clock. */
export async function renderPrometheusMetrics(
  analysis: CertAnalysis,
  readErrors: number,
  defaultLabels: Record<string, string> = {},
): Promise<string> {
  const registry = new Registry();
  if (Object.keys(defaultLabels).length > 0) registry.setDefaultLabels(defaultLabels);
  const labelNames = [...X509_LABELS];
  const gauge = (name: string, help: string): Gauge<LabelName> =>
    new Gauge<LabelName>({ name, help, labelNames, registers: [registry] });
  const notAfter = gauge('x509_cert_not_after', "Indicates the certificate's not after timestamp");
  const notBefore = gauge('x509_cert_not_before', "Indicates the certificate's not before timestamp");
  const expired = gauge('x509_cert_expired', 'Indicates if the certificate is expired');
  const expiresIn = gauge(
    'x509_cert_expires_in_seconds',
    "Indicates the remaining time before the certificate's not after timestamp",
  );
  const validSince = gauge(
    'x509_cert_valid_since_seconds',
    "Indicates the elapsed time since the certificate's not before timestamp",
  );
  const errors = new Gauge({
    name: 'x509_read_errors',
    help: 'Indicates the number of read failure(s)',
    registers: [registry],
  });

  const now = analysis.options.now.getTime();
  const seen = new Map<string, number>();
  for (const record of analysis.inventory.records) {
    for (const placement of record.placements) {
      const labels = labelsOf(record, placement);
      // Identical label sets (the same certificate twice in one bundle) get the exporter's
      // discriminator: a fingerprint prefix plus the position.
      const key = JSON.stringify(labels);
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      if (n > 0)
        labels.discriminator = `${record.fingerprint.replaceAll(':', '').slice(0, 8).toLowerCase()}-${placement.index}`;
      notAfter.set(labels, Math.floor(record.notAfter.getTime() / 1000));
      notBefore.set(labels, Math.floor(record.notBefore.getTime() / 1000));
      expired.set(labels, record.notAfter.getTime() <= now ? 1 : 0);
      expiresIn.set(labels, Math.round((record.notAfter.getTime() - now) / 1000));
      validSince.set(labels, Math.round((now - record.notBefore.getTime()) / 1000));
    }
  }
  errors.set(readErrors);
  return registry.metrics();
}
