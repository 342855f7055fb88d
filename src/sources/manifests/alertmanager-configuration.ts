/**
 * Alertmanager's own configuration file has no `apiVersion` or `kind`: the manifest reader would
 * skip it. A document with a `route` mapping and a `receivers` list is recognised as one and
 * represented as a synthetic `AlertmanagerConfiguration` (hindsight.dev/v1) whose fields are the
 * file's, so a finding's path points into the file; its name is the file's base name. The
 * `alertmanager.yaml` key of a Secret (prometheus-operator's `alertmanager-<name>` Secrets) is
 * read the same way when the Secret's data is present (files and snapshots; a live cluster's
 * Secrets are read without data, ADR 0008). The decoded text is never printed.
 */
import { basename } from 'node:path';
import { ALERTMANAGER_CONFIGURATION } from '../../core/alertmanager-config.ts';
import { asRecord } from '../../core/records.ts';
import type { KubeObject } from '../../core/resource.ts';
import { parseYamlDocuments } from './read-documents.ts';

const KEY = 'alertmanager.yaml';

export function isAlertmanagerConfiguration(record: Record<string, unknown>): boolean {
  return asRecord(record.route) !== undefined && Array.isArray(record.receivers);
}

function nameOf(source: string, document: number | undefined): string {
  const base =
    basename(source)
      .replace(/\.(ya?ml|json)$/i, '')
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-')
      .replace(/^[.-]+|[.-]+$/g, '') || 'alertmanager';
  return document ? `${base}-${document}` : base;
}

/** The file's configuration as an object of the inventory. */
export function configurationFromFile(
  record: Record<string, unknown>,
  source: string,
  document: number | undefined,
): KubeObject {
  return { ...ALERTMANAGER_CONFIGURATION, metadata: { name: nameOf(source, document) }, ...record };
}

/**
 * The configuration a Secret holds under `alertmanager.yaml` (base64 `data` or `stringData`):
 * an object named and namespaced as the Secret, keeping its exemption annotations; a string
 * when the key is there but is no configuration; undefined when there is nothing to read.
 */
export function configurationFromSecret(secret: KubeObject): KubeObject | string | undefined {
  const data = asRecord(secret.data)?.[KEY];
  const plain = asRecord(secret.stringData)?.[KEY];
  let text: string | undefined;
  if (typeof plain === 'string') text = plain;
  else if (typeof data === 'string') text = Buffer.from(data, 'base64').toString('utf8');
  if (text === undefined) return undefined;
  const name = secret.metadata.name ?? 'alertmanager';
  const parsed = parseYamlDocuments(text, `Secret ${name} ${KEY}`);
  const value = asRecord(parsed.documents[0]?.value);
  if (parsed.errors.length > 0 || !value || !isAlertmanagerConfiguration(value))
    return `Secret ${name}: ${KEY} is not an Alertmanager configuration (no route and receivers)`;
  const annotations = Object.fromEntries(
    Object.entries(secret.metadata.annotations ?? {}).filter(([k]) => k.startsWith('exempt.hindsight.dev/')),
  );
  return {
    ...ALERTMANAGER_CONFIGURATION,
    metadata: {
      name,
      ...(secret.metadata.namespace ? { namespace: secret.metadata.namespace } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    ...value,
  };
}
