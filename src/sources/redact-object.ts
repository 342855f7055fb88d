/**
 * Keeps secret values out of hindsight's memory, and so out of every report and snapshot, for
 * objects read from a cluster or a Helm release:
 * - Secrets and ConfigMaps keep metadata only (their payload is never read, but a server that
 *   ignores the metadata-only Accept header would send it);
 * - `kubectl.kubernetes.io/last-applied-configuration` holds the whole applied object, a
 *   Secret's data included: only its apiVersion and kind are kept (the deprecated-API check
 *   needs nothing else);
 * - `managedFields` go (field names only, but large and read by no analysis);
 * - annotation values, container environment values, arguments and commands that look like a
 *   credential, or sit under a name that says they are one, become a placeholder.
 */
import { isCredentialName, redactedValue, redactString } from '../core/credentials.ts';
import { podSpecOf } from '../core/pod-spec.ts';
import type { KubeObject } from '../core/resource.ts';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const PAYLOAD_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Secret: ['data', 'stringData'],
  ConfigMap: ['data', 'binaryData'],
};

/** `--password=hunter2`, `-token=abc`: a flag naming a credential, with its value attached. */
const CREDENTIAL_FLAG = /^(--?[A-Za-z0-9_.-]+=)(.+)$/s;

/**
 * `record` without `keys`, in its own key order: a copy when one is there, as `delete` of a key
 * not added last turns a V8 object into a dictionary (about 800 bytes more per object's
 * metadata, 50 MiB over `serve`'s 84k objects).
 */
function without(record: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  if (!keys.some((key) => Object.hasOwn(record, key))) return record;
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(record)) if (!keys.includes(key)) kept[key] = record[key];
  return kept;
}

/** Removes secret values from `object` (in place where it can) and returns it. */
export function redactObject(input: KubeObject): KubeObject {
  const object = without(
    input as unknown as Record<string, unknown>,
    PAYLOAD_FIELDS[input.kind] ?? [],
  ) as unknown as KubeObject;
  object.metadata = without(object.metadata as Record<string, unknown>, [
    'managedFields',
  ]) as KubeObject['metadata'];
  const annotations = object.metadata.annotations;
  if (annotations && typeof annotations === 'object') {
    for (const [key, value] of Object.entries(annotations)) {
      if (typeof value !== 'string') continue;
      if (key === LAST_APPLIED) annotations[key] = lastAppliedIdentity(value);
      else annotations[key] = redactString(value) ?? value;
    }
  }
  const pod = podSpecOf(object);
  if (pod) {
    for (const list of [pod.containers, pod.initContainers, pod.ephemeralContainers]) {
      if (!Array.isArray(list)) continue;
      for (const container of list) redactContainer(container);
    }
  }
  return object;
}

/** The applied object's apiVersion and kind, as JSON; nothing else of it. */
function lastAppliedIdentity(raw: string): string {
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown> | null;
    if (parsed && typeof parsed === 'object') {
      const kept: Record<string, unknown> = {};
      if (typeof parsed.apiVersion === 'string') kept.apiVersion = parsed.apiVersion;
      if (typeof parsed.kind === 'string') kept.kind = parsed.kind;
      return JSON.stringify(kept);
    }
  } catch {
    // Not JSON: nothing in it is needed.
  }
  return '{}';
}

function redactContainer(container: unknown): void {
  if (container === null || typeof container !== 'object') return;
  const c = container as Record<string, unknown>;
  if (Array.isArray(c.env)) {
    for (const entry of c.env) {
      if (entry === null || typeof entry !== 'object') continue;
      const variable = entry as Record<string, unknown>;
      if (typeof variable.value !== 'string' || variable.value === '') continue;
      const name = typeof variable.name === 'string' ? variable.name : '';
      if (isCredentialName(name)) variable.value = redactedValue(`${name} names a credential`);
      else variable.value = redactString(variable.value) ?? variable.value;
    }
  }
  for (const field of ['args', 'command'] as const) {
    const list = c[field];
    if (!Array.isArray(list)) continue;
    list.forEach((arg: unknown, i: number) => {
      if (typeof arg !== 'string') return;
      const flag = CREDENTIAL_FLAG.exec(arg);
      if (flag && isCredentialName((flag[1] as string).replace(/^-+|=$/g, ''))) {
        list[i] = `${flag[1]}${redactedValue('the flag names a credential')}`;
      } else list[i] = redactString(arg) ?? arg;
    });
  }
}
