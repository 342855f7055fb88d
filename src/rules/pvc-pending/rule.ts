import { getAt } from '../../core/workload.ts';
import type { InventoryEntry } from '../../inventory/inventory.ts';
import { describeEvent, eventsAbout, formatAge, type ObjectEvent } from '../../inventory/object-events.ts';
import { classRequestOf, podsUsing } from '../../inventory/volume-claims.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

/** A claim Pending longer than this without any Warning is stuck, not provisioning. */
const STUCK_AFTER_MS = 10 * 60 * 1000;

const CLASS_NOT_FOUND = /storageclass\.storage\.k8s\.io "([^"]+)" not found/;

function podPhase(pod: InventoryEntry): string {
  const phase = getAt(pod.object, ['status', 'phase']);
  return typeof phase === 'string' ? phase : 'unknown phase';
}

function blocksText(pods: InventoryEntry[]): string {
  if (pods.length === 0) return '';
  const names = pods.slice(0, 3).map((p) => `${p.ref.namespace}/${p.ref.name} (${podPhase(p)})`);
  return `; used by pod ${names.join(', ')}${pods.length > 3 ? ` and ${pods.length - 3} more` : ''}`;
}

function eventsText(warnings: readonly ObjectEvent[], now: Date): string {
  const seen = new Set<string>();
  const latest: ObjectEvent[] = [];
  for (const e of warnings) {
    if (seen.has(e.reason)) continue;
    seen.add(e.reason);
    latest.push(e);
    if (latest.length === 2) break;
  }
  return latest.length > 0 ? `; latest warnings: ${latest.map((e) => describeEvent(e, now)).join('; ')}` : '';
}

export default defineRule({
  id: 'pvc-pending',
  category: 'operations',
  severity: 'high',
  lesson: 'storage',
  title: 'PersistentVolumeClaims must bind',
  appliesTo: ['PersistentVolumeClaim'],
  messages: {
    missingStorageClass:
      'claim asks for StorageClass {class}, which does not exist{known}: nothing will ever provision it and it stays Pending{blocks}{events}',
    noDefaultClass:
      'claim is Pending, names no storageClassName, and no StorageClass is marked default: nothing provisions it{blocks}{events}',
    waitingForConsumer:
      'claim is Pending by design (StorageClass {class} binds on WaitForFirstConsumer) but no pod mounts it: a leftover claim, or the workload that should use it is not running',
    pending: 'claim has been Pending for {age}{blocks}{events}',
  },
  check(entry, ctx) {
    const { inventory, now } = ctx;
    const phase = getAt(entry.object, ['status', 'phase']);
    const request = classRequestOf(inventory, entry);
    const classes = inventory.ofKind('StorageClass');
    const known =
      classes.length > 0
        ? ` (classes here: ${classes
            .map((c) => c.ref.name)
            .sort()
            .join(', ')})`
        : '';

    if (phase === undefined) {
      // A manifest: only what is certain from the files — a class that none of them defines.
      if (request.name === undefined || classes.length === 0) return NOT_APPLICABLE;
      if (!request.storageClass)
        ctx.report({
          messageId: 'missingStorageClass',
          data: { class: request.name, known, blocks: '', events: '' },
          path: ['spec', 'storageClassName'],
        });
      return;
    }
    if (phase !== 'Pending') return phase === 'Bound' ? undefined : NOT_APPLICABLE;

    const warnings = eventsAbout(inventory, {
      kind: 'PersistentVolumeClaim',
      name: entry.ref.name,
      namespace: entry.ref.namespace,
    }).filter((e) => e.type === 'Warning');
    const events = eventsText(warnings, now);
    const consumers = podsUsing(inventory, entry);
    const blocks = blocksText(consumers);
    const notFound = warnings.some((e) => CLASS_NOT_FOUND.exec(e.message)?.[1] === request.name);

    if (request.name !== undefined && !request.storageClass && (classes.length > 0 || notFound)) {
      ctx.report({
        messageId: 'missingStorageClass',
        data: { class: request.name, known, blocks, events },
        path: ['spec', 'storageClassName'],
      });
      return;
    }
    if (request.name === undefined && !request.none && classes.length > 0) {
      ctx.report({ messageId: 'noDefaultClass', data: { blocks, events }, path: ['spec'] });
      return;
    }
    const created = entry.object.metadata.creationTimestamp;
    const since = typeof created === 'string' ? new Date(created) : undefined;
    const age = since && !Number.isNaN(since.getTime()) ? now.getTime() - since.getTime() : undefined;
    const stuck = age !== undefined && age >= STUCK_AFTER_MS;
    const waitsForConsumer =
      getAt(request.storageClass?.object, ['volumeBindingMode']) === 'WaitForFirstConsumer' ||
      eventsAbout(inventory, {
        kind: 'PersistentVolumeClaim',
        name: entry.ref.name,
        namespace: entry.ref.namespace,
      }).some((e) => e.reason === 'WaitForFirstConsumer');
    if (waitsForConsumer && warnings.length === 0) {
      // Binding waits for a pod on purpose; say so only when we can see no pod will come.
      if (stuck && consumers.length === 0 && inventory.hasKind('Pod'))
        ctx.report({
          messageId: 'waitingForConsumer',
          severity: 'low',
          data: { class: request.name ?? 'default' },
          path: ['status', 'phase'],
        });
      return;
    }
    // Without warnings, only a claim whose class is known to bind immediately is stuck: with an
    // unknown class it may just be waiting for its pod (WaitForFirstConsumer).
    if (warnings.length === 0 && (!stuck || !request.storageClass)) return;
    ctx.report({
      messageId: 'pending',
      data: { age: since && age !== undefined ? formatAge(since, now) : 'an unknown time', blocks, events },
      path: ['status', 'phase'],
    });
  },
});
