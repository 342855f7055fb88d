import type { Edit, Fix } from '../../core/finding.ts';
import { describeHpaMetric, hpaResourceMetrics } from '../../core/hpa-metrics.ts';
import { asRecord } from '../../core/records.ts';
import type { KubeObject } from '../../core/resource.ts';
import {
  containerPolicies,
  controlledFor,
  controlledResources,
  DEFAULT_CONTROLLED,
  vpaUpdateMode,
} from '../../core/vpa-policy.ts';
import { containersAt, getAt } from '../../core/workload.ts';
import type { InventoryEntry } from '../../inventory/inventory.ts';
import { isKedaOwnedHpa, targetOf } from '../../inventory/replica-bounds.ts';
import { defineRule } from '../define-rule.ts';

/** `Deployment/api` for a scaleTargetRef or targetRef (kind defaults to Deployment, as KEDA does). */
function refKeyOf(object: KubeObject, field: string): string | undefined {
  const ref = asRecord(getAt(object, ['spec', field]));
  if (!ref || typeof ref.name !== 'string') return undefined;
  return `${typeof ref.kind === 'string' ? ref.kind : 'Deployment'}/${ref.name}`;
}

interface ScalerUse {
  scaler: InventoryEntry;
  /** resource → how it is used, e.g. cpu → `cpu utilization 60%`. */
  uses: Map<string, string>;
  /** ContainerResource metrics only concern one container. */
  container?: string;
}

/** CPU and memory a KEDA ScaledObject scales on through `cpu` / `memory` triggers. */
function kedaUses(so: InventoryEntry): Map<string, string> {
  const uses = new Map<string, string>();
  const triggers = getAt(so.object, ['spec', 'triggers']);
  if (!Array.isArray(triggers)) return uses;
  for (const raw of triggers) {
    const t = asRecord(raw);
    if (!t || (t.type !== 'cpu' && t.type !== 'memory')) continue;
    const meta = asRecord(t.metadata) ?? {};
    // `metricType` on the trigger since KEDA 2.10; `metadata.type` before.
    const written = t.metricType ?? meta.type;
    const type = typeof written === 'string' ? written : 'Utilization';
    if (type !== 'Utilization') continue;
    uses.set(t.type, `${t.type} utilization ${String(meta.value ?? '?')}% trigger`);
  }
  return uses;
}

function conflictFix(vpa: KubeObject, conflicting: Set<string>): Fix {
  const remaining = DEFAULT_CONTROLLED.filter((r) => !conflicting.has(r));
  if (remaining.length === 0) {
    return {
      description:
        'switch VPA to recommend-only (updateMode "Off"): the HPA scales on both CPU and memory, so VPA can only advise',
      edits: [{ op: 'set', path: ['spec', 'updatePolicy', 'updateMode'], value: 'Off' }],
    };
  }
  const policies = containerPolicies(vpa);
  const edits: Edit[] = [];
  if (policies.length === 0) {
    edits.push({
      op: 'set',
      path: ['spec', 'resourcePolicy', 'containerPolicies'],
      value: [{ containerName: '*', controlledResources: remaining }],
    });
  } else {
    for (const p of policies) {
      if (p.mode === 'Off' || !p.controlledResources.some((r) => conflicting.has(r))) continue;
      const next = p.controlledResources.filter((r) => !conflicting.has(r));
      const base = ['spec', 'resourcePolicy', 'containerPolicies', p.index];
      edits.push(
        next.length === 0
          ? { op: 'set', path: [...base, 'mode'], value: 'Off' }
          : { op: 'set', path: [...base, 'controlledResources'], value: next },
      );
    }
    if (!policies.some((p) => p.containerName === '*'))
      edits.push({
        op: 'add-to-list',
        path: ['spec', 'resourcePolicy', 'containerPolicies'],
        value: { containerName: '*', controlledResources: remaining },
      });
  }
  return {
    description: `let VPA control only ${remaining.join(' and ')} and leave ${[...conflicting].join(' and ')} to the horizontal scaler`,
    edits,
  };
}

export default defineRule({
  id: 'vpa-and-hpa-same-resource',
  category: 'autoscaling',
  severity: 'high',
  lesson: 'autoscaling',
  title: 'VPA and HPA must not act on the same resource',
  appliesTo: ['VerticalPodAutoscaler'],
  messages: {
    conflict:
      'VPA ({mode}) sets the {resources} requests of {target}, which {scaler} scales on ({metrics}): when VPA raises requests utilization drops and the HPA removes pods, when it lowers them the HPA adds pods, so the two chase each other instead of settling',
  },
  check(entry, ctx) {
    const { mode } = vpaUpdateMode(entry.object);
    if (mode === 'Off') return;
    const key = refKeyOf(entry.object, 'targetRef');
    if (!key) return;
    const target = targetOf(ctx.inventory, entry, 'targetRef');
    const containerNames = target
      ? containersAt(target.object).map((c) => String(c.container.name ?? ''))
      : undefined;
    const vpaControls = controlledResources(entry.object, containerNames);
    const policies = containerPolicies(entry.object);

    const users: ScalerUse[] = [];
    for (const hpa of ctx.inventory.ofKind('HorizontalPodAutoscaler')) {
      // KEDA's own HPA mirrors its ScaledObject, which is checked below.
      if (hpa.ref.namespace !== entry.ref.namespace || isKedaOwnedHpa(hpa)) continue;
      if (refKeyOf(hpa.object, 'scaleTargetRef') !== key) continue;
      const uses = new Map<string, string>();
      // Utilization is usage divided by the request VPA keeps moving: that is the feedback loop.
      for (const m of hpaResourceMetrics(hpa.object)) {
        if (m.targetType !== 'Utilization') continue;
        // A ContainerResource metric conflicts only if VPA controls that resource for that container.
        if (m.container !== undefined && !controlledFor(policies, m.container).includes(m.resource)) continue;
        if (!uses.has(m.resource)) uses.set(m.resource, describeHpaMetric(m));
      }
      users.push({ scaler: hpa, uses });
    }
    for (const so of ctx.inventory.ofKind('ScaledObject')) {
      if (so.ref.namespace !== entry.ref.namespace || refKeyOf(so.object, 'scaleTargetRef') !== key) continue;
      users.push({ scaler: so, uses: kedaUses(so) });
    }

    for (const { scaler, uses } of users) {
      const conflicting = new Set([...uses.keys()].filter((r) => vpaControls.has(r)));
      if (conflicting.size === 0) continue;
      ctx.report({
        messageId: 'conflict',
        data: {
          mode,
          resources: [...conflicting].join(' and '),
          target: key.replace('/', ' '),
          scaler: `${scaler.object.kind} ${scaler.ref.name}`,
          metrics: [...conflicting].map((r) => uses.get(r)).join(', '),
        },
        path: ['spec', 'targetRef'],
        ...(mode === 'Initial' ? { severity: 'medium' as const } : {}),
        fix: conflictFix(entry.object, conflicting),
      });
    }
  },
});
