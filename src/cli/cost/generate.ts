/**
 * Writes the manifests `hindsight cost` generates: one VPA (Off mode) per right-sized workload,
 * a Karpenter NodePool and EC2NodeClass for the planned node mix, and KEDA ScaledObjects for
 * workers idle most of the window whose event source their environment names. Files are YAML,
 * one object per file, named `<namespace>-<name>.yaml`; existing files are replaced atomically.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import type { NodeMixPlan } from '../../analyzers/cost/planner.ts';
import type { PriceBook } from '../../analyzers/cost/prices.ts';
import type { RightsizingRun } from '../../analyzers/rightsizing/rightsizing-run.ts';
import { containersOf } from '../../core/pod-spec.ts';
import { buildNodePool, diversifyFamilies } from '../../generators/karpenter.ts';
import { buildScaledObject, detectEventSource } from '../../generators/keda.ts';
import { buildVpa, vpaTargetable } from '../../generators/vpa.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import type { SpotVerdict } from '../../scheduling/spot-verdict.ts';
import { writeFileAtomic } from '../write-file.ts';

export interface GenerateTargets {
  vpaDir?: string;
  karpenterDir?: string;
  kedaDir?: string;
  clusterName: string;
  variant: 'burstable' | 'guaranteed';
}

export interface GenerateInputs {
  inventory: Inventory;
  rightsizing: RightsizingRun | undefined;
  plan: NodeMixPlan | undefined;
  book: PriceBook;
  workloads: Map<string, InventoryEntry>;
  verdicts: Map<string, SpotVerdict>;
}

/** Share of the window a worker must sit idle to be a scale-to-zero candidate. */
export const IDLE_SHARE_FOR_ZERO = 0.7;

async function writeYaml(dir: string, name: string, object: Record<string, unknown>): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.yaml`);
  await writeFileAtomic(file, dump(object, { noRefs: true, lineWidth: 120 }));
  return file;
}

/** Writes what was asked for; returns the files written. */
export async function writeGenerated(
  targets: GenerateTargets,
  inputs: GenerateInputs,
  say: (line: string) => void,
): Promise<string[]> {
  const written: string[] = [];
  if (targets.vpaDir) {
    if (!inputs.rightsizing) say('warning: --write-vpa needs --prometheus (recommendations); no VPA written');
    else {
      const byWorkload = new Map<
        string,
        {
          workload: { namespace: string; kind: string; name: string };
          containers: { container: string; requests: { cpu?: number; memory?: number } }[];
        }
      >();
      for (const { rec, workloadKey } of inputs.rightsizing.recommendations) {
        if (!vpaTargetable(rec.workload.kind) || rec.confidence === 'none') continue;
        const entry = byWorkload.get(workloadKey) ?? { workload: rec.workload, containers: [] };
        entry.containers.push({
          container: rec.container,
          requests: rec.strategies.hindsight[targets.variant].requests,
        });
        byWorkload.set(workloadKey, entry);
      }
      for (const input of byWorkload.values()) {
        written.push(
          await writeYaml(
            targets.vpaDir,
            `${input.workload.namespace}-${input.workload.name}`,
            buildVpa(input),
          ),
        );
      }
    }
  }
  if (targets.karpenterDir) {
    if (!inputs.plan)
      say('warning: --write-karpenter needs the node-mix plan (do not pass --no-plan); nothing written');
    else {
      const groups = inputs.plan.nodeGroups;
      const planned = groups.map(
        (g) => inputs.book.instanceTypes.get(g.instanceType)?.family ?? g.instanceType.split('.')[0] ?? '',
      );
      const arch = [
        ...new Set(
          groups
            .map((g) => inputs.book.instanceTypes.get(g.instanceType)?.arch)
            .filter((a) => a === 'amd64' || a === 'arm64'),
        ),
      ];
      // Siblings of the planned families (same category and architecture, newest generations
      // first) widen the spot pools Karpenter may draw from.
      const candidates = [...inputs.book.instanceTypes.values()]
        .filter(
          (t) => arch.includes(t.arch as 'amd64' | 'arm64') && planned.some((f) => f[0] === t.family[0]),
        )
        .sort((a, b) => b.generation - a.generation)
        .map((t) => t.family);
      let cpu = 0;
      let memory = 0;
      for (const g of groups) {
        const t = inputs.book.instanceTypes.get(g.instanceType);
        cpu += (t?.vcpu ?? 0) * g.count;
        memory += (t?.memoryBytes ?? 0) * g.count;
      }
      const objects = buildNodePool({
        name: 'general',
        clusterName: targets.clusterName,
        families: diversifyFamilies(planned, candidates),
        architectures: arch.length > 0 ? (arch as Array<'amd64' | 'arm64'>) : ['amd64'],
        capacityTypes: ['spot', 'on-demand'],
        cpu,
        memory,
      });
      for (const o of objects)
        written.push(await writeYaml(targets.karpenterDir, `${String(o.kind).toLowerCase()}-general`, o));
    }
  }
  if (targets.kedaDir) {
    if (!inputs.rightsizing)
      say('warning: --write-keda needs --prometheus (idle time comes from usage history); nothing written');
    else {
      for (const [key, share] of inputs.rightsizing.idleShare) {
        if (share < IDLE_SHARE_FOR_ZERO) continue;
        const entry = inputs.workloads.get(key);
        const verdict = inputs.verdicts.get(key);
        if (!entry || (entry.object.kind !== 'Deployment' && entry.object.kind !== 'StatefulSet')) continue;
        // Workers only: a serving workload at zero drops requests (that needs KEDA's HTTP add-on).
        if (verdict?.workload.class !== 'worker' || verdict.workload.serving) continue;
        const env = containersOf(entry.object).flatMap((c) =>
          Array.isArray(c.env) ? (c.env as Array<{ name: string; value?: string }>) : [],
        );
        const source = detectEventSource(env);
        const label = `${entry.object.kind} ${entry.ref.namespace}/${entry.ref.name}`;
        if (!source) {
          say(
            `note: ${label} is idle ${Math.round(share * 100)}% of the time but names no queue or topic in its env; if it consumes one, a KEDA ScaledObject on it can scale the worker to zero`,
          );
          continue;
        }
        const replicas = (entry.object.spec as { replicas?: number } | undefined)?.replicas ?? 1;
        written.push(
          await writeYaml(
            targets.kedaDir,
            `${entry.ref.namespace}-${entry.ref.name}`,
            buildScaledObject({
              workload: {
                namespace: entry.ref.namespace ?? '',
                kind: entry.object.kind,
                name: entry.ref.name,
              },
              maxReplicas: Math.max(1, replicas),
              source,
            }),
          ),
        );
      }
    }
  }
  return written;
}
