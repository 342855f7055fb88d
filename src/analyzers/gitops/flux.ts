/**
 * Flux's objects as `trace` reads them: the sources (GitRepository, OCIRepository, Bucket,
 * HelmRepository, HelmChart), the appliers (Kustomization, HelmRelease), their conditions and
 * revisions. Read from plain API JSON without trusting its shape; nothing here talks to a cluster.
 *
 * Revisions follow Flux's RFC-0005: `[<named pointer>][@]<algo>:<checksum>`, e.g.
 * `main@sha1:6f6c0979…` or `sha256:…`; the checksum is what follows the last `@` (a branch or tag
 * name may itself hold `@` or `/`). Flux 1.x's `main/<sha>` is read too.
 */
import { asRecord } from '../../core/records.ts';
import type { KubeObject } from '../../core/resource.ts';

export const SOURCE_GROUP = 'source.toolkit.fluxcd.io';
export const KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io';
export const HELM_GROUP = 'helm.toolkit.fluxcd.io';

/** The kinds `trace` reads, as [group, kind] pairs for a cluster load. */
export const FLUX_KINDS: readonly (readonly [string, string])[] = [
  [SOURCE_GROUP, 'GitRepository'],
  [SOURCE_GROUP, 'OCIRepository'],
  [SOURCE_GROUP, 'Bucket'],
  [SOURCE_GROUP, 'ExternalArtifact'],
  [SOURCE_GROUP, 'HelmRepository'],
  [SOURCE_GROUP, 'HelmChart'],
  [KUSTOMIZE_GROUP, 'Kustomization'],
  [HELM_GROUP, 'HelmRelease'],
];

export interface FluxRevision {
  raw: string;
  /** Branch, tag or other named pointer, when the revision has one. */
  pointer?: string;
  algo?: string;
  /** Lower-case checksum: a Git commit for Git sources. */
  checksum?: string;
}

export function parseRevision(raw: string): FluxRevision {
  const at = raw.lastIndexOf('@');
  const tail = at >= 0 ? raw.slice(at + 1) : raw;
  const digest = /^([a-z0-9]+):([0-9a-fA-F]{7,})$/.exec(tail);
  if (digest?.[1] && digest[2]) {
    const out: FluxRevision = { raw, algo: digest[1], checksum: digest[2].toLowerCase() };
    if (at > 0) out.pointer = raw.slice(0, at);
    return out;
  }
  const legacy = /^(.+)\/([0-9a-f]{40}|[0-9a-f]{64})$/.exec(raw);
  if (legacy?.[1] && legacy[2])
    return {
      raw,
      pointer: legacy[1],
      algo: legacy[2].length === 40 ? 'sha1' : 'sha256',
      checksum: legacy[2],
    };
  if (/^[0-9a-f]{40}$/.test(raw)) return { raw, algo: 'sha1', checksum: raw };
  return { raw, pointer: raw };
}

/** The Git commit a revision names, when it names one. */
export function revisionCommit(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const r = parseRevision(raw);
  return r.checksum && (r.algo === 'sha1' || r.algo === 'sha256') ? r.checksum : undefined;
}

/** `main@sha1:6f6c0979` — the revision cut as `flux get` cuts it. */
export function shortRevision(raw: string | undefined): string {
  if (!raw) return '-';
  const r = parseRevision(raw);
  if (!r.checksum) return raw;
  return `${r.pointer ? `${r.pointer}@` : ''}${r.algo}:${r.checksum.slice(0, 8)}`;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export function conditions(o: KubeObject): Condition[] {
  const list = asRecord(o.status)?.conditions;
  if (!Array.isArray(list)) return [];
  const out: Condition[] = [];
  for (const item of list) {
    const c = asRecord(item);
    if (!c || typeof c.type !== 'string' || typeof c.status !== 'string') continue;
    const condition: Condition = { type: c.type, status: c.status };
    if (typeof c.reason === 'string') condition.reason = c.reason;
    if (typeof c.message === 'string') condition.message = c.message;
    if (typeof c.lastTransitionTime === 'string') condition.lastTransitionTime = c.lastTransitionTime;
    out.push(condition);
  }
  return out;
}

export function condition(o: KubeObject, type: string): Condition | undefined {
  return conditions(o).find((c) => c.type === type);
}

export function spec(o: KubeObject): Record<string, unknown> {
  return asRecord(o.spec) ?? {};
}

export function status(o: KubeObject): Record<string, unknown> {
  return asRecord(o.status) ?? {};
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function suspended(o: KubeObject): boolean {
  return spec(o).suspend === true;
}

/** `namespace/name`, or the name of a cluster-scoped object. */
export function objectKey(o: { metadata: { namespace?: string; name?: string } }): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name ?? ''}` : (o.metadata.name ?? '');
}

export interface Ref {
  kind: string;
  namespace: string;
  name: string;
}

export function refKey(r: Ref): string {
  return `${r.kind}/${r.namespace}/${r.name}`;
}

export function refOf(o: KubeObject): Ref {
  return { kind: o.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '' };
}

/** A Kustomization's source, or a HelmChart's (namespace defaults to the object's own). */
export function sourceRef(o: KubeObject): Ref | undefined {
  const ref = asRecord(spec(o).sourceRef);
  const kind = str(ref?.kind);
  const name = str(ref?.name);
  if (!kind || !name) return undefined;
  return { kind, name, namespace: str(ref?.namespace) ?? o.metadata.namespace ?? '' };
}

/** A source's artifact: its revision and when it was fetched. */
export function artifact(o: KubeObject): {
  revision?: string;
  lastUpdateTime?: string;
  metadata?: Record<string, string>;
} {
  const a = asRecord(status(o).artifact);
  const out: { revision?: string; lastUpdateTime?: string; metadata?: Record<string, string> } = {};
  const revision = str(a?.revision);
  if (revision) out.revision = revision;
  const time = str(a?.lastUpdateTime);
  if (time) out.lastUpdateTime = time;
  const metadata = asRecord(a?.metadata);
  if (metadata)
    out.metadata = Object.fromEntries(
      Object.entries(metadata).filter(([, v]) => typeof v === 'string'),
    ) as Record<string, string>;
  return out;
}

/** The Kustomizations or HelmReleases an object must wait for: `spec.dependsOn`. */
export function dependsOn(o: KubeObject): Ref[] {
  const list = spec(o).dependsOn;
  if (!Array.isArray(list)) return [];
  const out: Ref[] = [];
  for (const item of list) {
    const d = asRecord(item);
    const name = str(d?.name);
    if (name) out.push({ kind: o.kind, name, namespace: str(d?.namespace) ?? o.metadata.namespace ?? '' });
  }
  return out;
}

export interface HistoryEntry {
  revision?: string;
  /** The Git revision an OCI or ExternalArtifact revision was made from. */
  originRevision?: string;
  lastReconciledStatus?: string;
  firstReconciled?: string;
}

/** The listed fields of `record` that hold non-empty strings. */
export function stringFields<K extends string>(
  record: Record<string, unknown>,
  keys: readonly K[],
): { [P in K]?: string } {
  const out: { [P in K]?: string } = {};
  for (const key of keys) {
    const value = str(record[key]);
    if (value) out[key] = value;
  }
  return out;
}

/** A Kustomization's `status.history`, newest first, as kustomize-controller keeps it. */
export function kustomizationHistory(o: KubeObject): HistoryEntry[] {
  const list = status(o).history;
  if (!Array.isArray(list)) return [];
  const out: HistoryEntry[] = [];
  for (const item of list) {
    const h = asRecord(item);
    if (!h) continue;
    out.push({
      ...stringFields(asRecord(h.metadata) ?? {}, ['revision', 'originRevision'] as const),
      ...stringFields(h, ['lastReconciledStatus', 'firstReconciled'] as const),
    });
  }
  return out;
}

/** `<namespace>_<name>_<group>_<kind>` ids of the objects a Kustomization or HelmRelease applied. */
export function inventoryIds(o: KubeObject): string[] {
  const entries = asRecord(status(o).inventory)?.entries;
  if (!Array.isArray(entries)) return [];
  return entries.map((e) => str(asRecord(e)?.id)).filter((id): id is string => !!id);
}

export function inventoryId(o: {
  apiVersion: string;
  kind: string;
  metadata: { namespace?: string; name?: string };
}): string {
  const slash = o.apiVersion.indexOf('/');
  const group = slash >= 0 ? o.apiVersion.slice(0, slash) : '';
  return `${o.metadata.namespace ?? ''}_${o.metadata.name ?? ''}_${group}_${o.kind}`;
}
