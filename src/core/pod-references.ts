/**
 * The namespaced objects a pod spec names and needs to start: Secrets and ConfigMaps (env,
 * envFrom, volumes, projected sources, image pull secrets) and its ServiceAccount. Optional
 * references (`optional: true`) are kept apart: a pod starts without them.
 */
import type { Container } from './pod-spec.ts';
import { asRecord } from './records.ts';
import type { KubeObject } from './resource.ts';
import { containersAt, podSpecAt } from './workload.ts';

export interface PodReference {
  kind: 'Secret' | 'ConfigMap' | 'ServiceAccount';
  name: string;
  /** Where, in words: `env DB_PASSWORD of container api`, `volume certs`, `imagePullSecrets`. */
  where: string;
  optional: boolean;
}

function ref(kind: PodReference['kind'], name: unknown, where: string, optional: unknown): PodReference[] {
  return typeof name === 'string' && name !== '' ? [{ kind, name, where, optional: optional === true }] : [];
}

function containerReferences(container: Container): PodReference[] {
  const out: PodReference[] = [];
  const name = String(container.name ?? '?');
  for (const raw of Array.isArray(container.env) ? container.env : []) {
    const e = asRecord(raw);
    const from = asRecord(e?.valueFrom);
    const where = `env ${String(e?.name ?? '?')} of container ${name}`;
    const secret = asRecord(from?.secretKeyRef);
    const configMap = asRecord(from?.configMapKeyRef);
    if (secret) out.push(...ref('Secret', secret.name, where, secret.optional));
    if (configMap) out.push(...ref('ConfigMap', configMap.name, where, configMap.optional));
  }
  for (const raw of Array.isArray(container.envFrom) ? container.envFrom : []) {
    const e = asRecord(raw);
    const where = `envFrom of container ${name}`;
    const secret = asRecord(e?.secretRef);
    const configMap = asRecord(e?.configMapRef);
    if (secret) out.push(...ref('Secret', secret.name, where, secret.optional));
    if (configMap) out.push(...ref('ConfigMap', configMap.name, where, configMap.optional));
  }
  return out;
}

function volumeReferences(volume: Record<string, unknown>): PodReference[] {
  const where = `volume ${String(volume.name ?? '?')}`;
  const secret = asRecord(volume.secret);
  const configMap = asRecord(volume.configMap);
  const out: PodReference[] = [];
  if (secret) out.push(...ref('Secret', secret.secretName, where, secret.optional));
  if (configMap) out.push(...ref('ConfigMap', configMap.name, where, configMap.optional));
  const sources = asRecord(volume.projected)?.sources;
  for (const raw of Array.isArray(sources) ? sources : []) {
    const s = asRecord(raw);
    const ps = asRecord(s?.secret);
    const pc = asRecord(s?.configMap);
    if (ps) out.push(...ref('Secret', ps.name, where, ps.optional));
    if (pc) out.push(...ref('ConfigMap', pc.name, where, pc.optional));
  }
  return out;
}

/** Every Secret, ConfigMap and (non-default) ServiceAccount the object's pod spec names, in spec order. */
export function podReferences(object: KubeObject): PodReference[] {
  const spec = podSpecAt(object);
  if (!spec) return [];
  const out: PodReference[] = [];
  for (const { container } of containersAt(object, { init: true }))
    out.push(...containerReferences(container));
  for (const raw of Array.isArray(spec.volumes) ? spec.volumes : []) {
    const v = asRecord(raw);
    if (v) out.push(...volumeReferences(v));
  }
  for (const raw of Array.isArray(spec.imagePullSecrets) ? spec.imagePullSecrets : [])
    out.push(...ref('Secret', asRecord(raw)?.name, 'imagePullSecrets', false));
  // `default` is made by the ServiceAccount controller in every namespace: not a dependency.
  const account = spec.serviceAccountName ?? spec.serviceAccount;
  if (account !== 'default') out.push(...ref('ServiceAccount', account, 'serviceAccountName', false));
  return out;
}
