import { nodeZone, volumeZones, ZONE_KEYS } from '../../core/ebs-volumes.ts';
import { asRecord } from '../../core/records.ts';
import { getAt, podSpecAt, podSpecPath } from '../../core/workload.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { eventsAbout } from '../../inventory/object-events.ts';
import { podsOf } from '../../inventory/selectors.ts';
import { claimNamed, claimNamesOf, volumeOf } from '../../inventory/volume-claims.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

/**
 * The zones a pod spec allows, from `nodeSelector` and required node affinity; undefined when it
 * does not restrict zones. Node selector terms are ORed: one term without a zone constraint means
 * any zone.
 */
export function pinnedZones(spec: Record<string, unknown>): Set<string> | undefined {
  let allowed: Set<string> | undefined;
  const selector = asRecord(spec.nodeSelector) ?? {};
  for (const key of ZONE_KEYS) {
    const zone = selector[key];
    if (typeof zone === 'string') allowed = new Set([zone]);
  }
  const terms = asRecord(
    asRecord(asRecord(spec.affinity)?.nodeAffinity)?.requiredDuringSchedulingIgnoredDuringExecution,
  )?.nodeSelectorTerms;
  if (Array.isArray(terms) && terms.length > 0) {
    const union = new Set<string>();
    for (const raw of terms) {
      const expressions = asRecord(raw)?.matchExpressions;
      const zonal = (Array.isArray(expressions) ? expressions : [])
        .map(asRecord)
        .filter(
          (e): e is Record<string, unknown> =>
            e !== undefined &&
            ZONE_KEYS.includes(String(e.key)) &&
            e.operator === 'In' &&
            Array.isArray(e.values),
        );
      if (zonal.length === 0) return allowed;
      // Within a term expressions are ANDed: the term allows the intersection.
      let term: Set<string> | undefined;
      for (const e of zonal) {
        const values = new Set((e.values as unknown[]).filter((v): v is string => typeof v === 'string'));
        term = term ? new Set([...term].filter((z) => values.has(z))) : values;
      }
      for (const z of term ?? []) union.add(z);
    }
    allowed = allowed ? new Set([...allowed].filter((z) => union.has(z))) : union;
  }
  return allowed;
}

interface ZonedClaim {
  claim: string;
  volume: string;
  zones: string[];
}

/** The claims a workload mounts whose PersistentVolume is in the scan and pinned to zones. */
function zonedClaims(inventory: Inventory, entry: InventoryEntry): ZonedClaim[] {
  const names = claimNamesOf(entry);
  if (entry.object.kind === 'StatefulSet') {
    const replicas = getAt(entry.object, ['spec', 'replicas']);
    const count = typeof replicas === 'number' ? Math.min(replicas, 100) : 1;
    const templates = getAt(entry.object, ['spec', 'volumeClaimTemplates']);
    for (const t of Array.isArray(templates) ? templates : []) {
      const name = getAt(t, ['metadata', 'name']);
      if (typeof name === 'string')
        for (let i = 0; i < count; i++) names.push(`${name}-${entry.ref.name}-${i}`);
    }
  }
  const out: ZonedClaim[] = [];
  for (const name of names) {
    const claim = claimNamed(inventory, entry.ref.namespace, name);
    const pv = claim ? volumeOf(inventory, claim) : undefined;
    if (!pv) continue;
    const zones = volumeZones(pv.object);
    if (zones.length > 0) out.push({ claim: name, volume: pv.ref.name, zones });
  }
  return out;
}

export default defineRule({
  id: 'pv-zone-mismatch',
  category: 'operations',
  severity: 'high',
  lesson: 'storage',
  title: "Pods must be able to run in their volume's zone",
  appliesTo: ['Pod', 'Deployment', 'StatefulSet', 'ReplicaSet', 'Job', 'CronJob'],
  messages: {
    runningInOtherZone:
      'pod is on node {node} in {nodeZone}, but its volume {volume} (claim {claim}) is in {volumeZones}: an EBS volume cannot attach across zones, so the pod cannot start there',
    pinnedToOtherZone:
      'pods are pinned to {pinned} (nodeSelector or required node affinity), but volume {volume} (claim {claim}) is in {volumeZones}: they can never be scheduled',
    pendingVolumeZone: 'pod is Pending and its volume {volume} (claim {claim}) is in {volumeZones}: {reason}',
  },
  check(entry, ctx) {
    const { inventory } = ctx;
    const isPod = entry.object.kind === 'Pod';
    // A template speaks only when the scan has no pods for it (and no controller above it).
    if (!isPod && (inventory.controllerOf(entry) || podsOf(inventory, entry).length > 0))
      return NOT_APPLICABLE;
    const spec = podSpecAt(entry.object);
    if (!spec) return NOT_APPLICABLE;
    const claims = zonedClaims(inventory, entry);
    if (claims.length === 0) return NOT_APPLICABLE;

    const pinned = pinnedZones(spec);
    const selector = asRecord(spec.nodeSelector) ?? {};
    const bySelector = ZONE_KEYS.some((k) => typeof selector[k] === 'string');
    for (const c of claims) {
      const volumeZoneText = c.zones.join(', ');
      if (pinned && pinned.size > 0 && !c.zones.some((z) => pinned.has(z))) {
        ctx.report({
          messageId: 'pinnedToOtherZone',
          data: {
            pinned: [...pinned].sort().join(', '),
            volume: c.volume,
            claim: c.claim,
            volumeZones: volumeZoneText,
          },
          path: [...(podSpecPath(entry.object.kind) ?? []), bySelector ? 'nodeSelector' : 'affinity'],
        });
        return;
      }
      if (!isPod) continue;
      const nodeName = spec.nodeName;
      if (typeof nodeName === 'string' && nodeName !== '') {
        const node = inventory.get({ apiVersion: 'v1', kind: 'Node', name: nodeName });
        const zone = node ? nodeZone(node.object) : undefined;
        if (zone && !c.zones.includes(zone)) {
          ctx.report({
            messageId: 'runningInOtherZone',
            data: {
              node: nodeName,
              nodeZone: zone,
              volume: c.volume,
              claim: c.claim,
              volumeZones: volumeZoneText,
            },
            path: ['spec', 'nodeName'],
          });
          return;
        }
        continue;
      }
      if (getAt(entry.object, ['status', 'phase']) !== 'Pending') continue;
      const conflict = eventsAbout(inventory, {
        kind: 'Pod',
        name: entry.ref.name,
        namespace: entry.ref.namespace,
      }).find((e) => e.reason === 'FailedScheduling' && /volume node affinity conflict/i.test(e.message));
      const nodes = inventory.ofKind('Node');
      const inZone = nodes.filter((n) => {
        const z = nodeZone(n.object);
        return z !== undefined && c.zones.includes(z);
      }).length;
      let reason: string | undefined;
      if (nodes.length > 0 && inZone === 0)
        reason = `no node in the scan is in ${volumeZoneText}, so nothing can run it until one is (check the NodePool's zone requirements)`;
      else if (conflict)
        reason = `the scheduler reports "volume node affinity conflict"${nodes.length > 0 ? ` (${inZone} node(s) are in that zone, none of them fits)` : ''}`;
      if (reason) {
        ctx.report({
          messageId: 'pendingVolumeZone',
          data: { volume: c.volume, claim: c.claim, volumeZones: volumeZoneText, reason },
          path: ['status', 'phase'],
        });
        return;
      }
    }
  },
});
