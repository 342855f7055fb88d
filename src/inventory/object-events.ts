/**
 * The Events about one object, as a snapshot or a live scan carries them. Both shapes are read:
 * core `v1` Events (`involvedObject`, `message`, `count`, `lastTimestamp`) and
 * `events.k8s.io/v1` Events (`regarding`, `note`, `series.count`, `eventTime`, and the
 * `deprecated*` fields the API server fills in for old-style events).
 */

import { asRecord } from '../core/records.ts';
import type { KubeObject } from '../core/resource.ts';
import type { Inventory } from './inventory.ts';

export interface ObjectEvent {
  reason: string;
  message: string;
  type: string;
  /** How many times it happened (1 when the event does not say). */
  count: number;
  /** When it first and last happened, as far as the event says. */
  first?: Date;
  last?: Date;
  /** Which container it is about, from `fieldPath: spec.containers{name}`. */
  container?: string;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function date(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function normalise(object: KubeObject): { key: string; event: ObjectEvent } | undefined {
  const e = object as Record<string, unknown>;
  const target = asRecord(e.involvedObject) ?? asRecord(e.regarding);
  if (!target) return undefined;
  const kind = str(target.kind);
  const name = str(target.name);
  if (!kind || !name) return undefined;
  const namespace = str(target.namespace) ?? '';
  const series = asRecord(e.series);
  const first = date(e.firstTimestamp) ?? date(e.deprecatedFirstTimestamp) ?? date(e.eventTime);
  const last =
    date(series?.lastObservedTime) ??
    date(e.lastTimestamp) ??
    date(e.deprecatedLastTimestamp) ??
    date(e.eventTime) ??
    first;
  const fieldPath = str(target.fieldPath);
  const container = fieldPath ? /^spec\.(?:init)?[cC]ontainers\{(.+)\}$/.exec(fieldPath)?.[1] : undefined;
  const event: ObjectEvent = {
    reason: str(e.reason) ?? '',
    message: str(e.message) ?? str(e.note) ?? '',
    type: str(e.type) ?? 'Normal',
    count: positive(series?.count) ?? positive(e.count) ?? positive(e.deprecatedCount) ?? 1,
    ...(first ? { first } : {}),
    ...(last ? { last } : {}),
    ...(container ? { container } : {}),
  };
  return { key: `${kind}/${namespace}/${name}`, event };
}

/**
 * Events by the object they are about. Kubernetes writes an event about a namespaced object in
 * that object's namespace, so a use for such an object depends on that namespace's Events only;
 * events about cluster-scoped objects (Nodes) may be in any namespace.
 */
function indexOf(inventory: Inventory, namespace: string | undefined): Map<string, ObjectEvent[]> {
  return inventory.derived('events-by-object', () => indexEvents(inventory), [
    namespace ? `Event@${namespace}` : 'Event',
  ]);
}

function indexEvents(inventory: Inventory): Map<string, ObjectEvent[]> {
  const index = new Map<string, ObjectEvent[]>();
  for (const entry of inventory.ofKind('Event')) {
    const normalised = normalise(entry.object);
    if (!normalised) continue;
    const list = index.get(normalised.key) ?? [];
    list.push(normalised.event);
    index.set(normalised.key, list);
  }
  for (const list of index.values()) list.sort((a, b) => (b.last?.getTime() ?? 0) - (a.last?.getTime() ?? 0));
  return index;
}

/** Events about the object, most recent first. Cluster-scoped objects have no namespace. */
export function eventsAbout(
  inventory: Inventory,
  target: { kind: string; name: string; namespace?: string | undefined },
): readonly ObjectEvent[] {
  return (
    indexOf(inventory, target.namespace).get(`${target.kind}/${target.namespace ?? ''}/${target.name}`) ?? []
  );
}

/** "3m ago", "2h ago", "4d ago": how long before `now` a moment was, rounded down. */
export function formatAge(then: Date, now: Date): string {
  const seconds = Math.max(0, Math.floor((now.getTime() - then.getTime()) / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** `ProvisioningFailed ×27644 (last 1m ago): storageclass … not found` */
export function describeEvent(event: ObjectEvent, now: Date, maxMessage = 160): string {
  const times = event.count > 1 ? ` ×${event.count}` : '';
  const when = event.last ? ` (last ${formatAge(event.last, now)} ago)` : '';
  const message =
    event.message.length > maxMessage ? `${event.message.slice(0, maxMessage - 1)}…` : event.message;
  return `${event.reason}${times}${when}${message ? `: ${message}` : ''}`;
}
