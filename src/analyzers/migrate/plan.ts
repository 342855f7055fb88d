/**
 * `hindsight migrate plan`: per namespace, what it holds and needs, what will not work on the
 * target, and the order to move namespaces in — cluster-scoped prerequisites as step 0, then
 * what is depended on before what depends on it, stateless before stateful — with each step's
 * checklist down to the external-dns cutover and the fallback window.
 */

import type { Inventory } from '../../inventory/inventory.ts';
import { isoDay } from '../certs/duration.ts';
import { namespaceChecklist } from './checklist.ts';
import {
  type ClusterDependency,
  clusterDependencies,
  type NamespaceDependency,
  namespaceDependencies,
} from './dependencies.ts';
import {
  type CutoverProblem,
  cutoverPreparation,
  cutoverProblems,
  type ExternalDnsInstance,
  externalDnsInstances,
} from './external-dns.ts';
import { type Holdings, holdingsOf, movedWorkloads, SYSTEM_NAMESPACES } from './holdings.ts';
import { type Incompatibility, incompatibilitiesOf, presentOn } from './incompatibilities.ts';
import { type KopsDeadline, kopsDeadline } from './kops.ts';
import { migrationOrder } from './order.ts';

export interface MigrationInputs {
  source: Inventory;
  target?: Inventory;
  /** How each side is named in the output: a context, or a snapshot file. */
  sourceName: string;
  targetName?: string;
  /** The target's Kubernetes version (from its API server, or --target-version). */
  targetVersion?: string;
  /** Only these namespaces (default: every namespace with something to move). */
  namespaces?: readonly string[];
  /** Days the source keeps running after a namespace's cutover. */
  fallbackDays: number;
  now: Date;
}

export interface Prerequisite {
  kind: string;
  name: string;
  /** Undefined when there is no target to look at. */
  onTarget?: boolean;
  neededBy: string[];
}

export interface NamespacePlan {
  namespace: string;
  /** 1-based; namespaces that call each other share a step and move together. */
  step: number;
  movesWith: string[];
  stateful: boolean;
  /** Whether the namespace already exists on the target. */
  onTarget?: boolean;
  dependsOn: NamespaceDependency[];
  dependedOnBy: string[];
  holdings: Holdings;
  clusterDependencies: ClusterDependency[];
  incompatibilities: Incompatibility[];
  checklist: string[];
}

export interface MigrationPlan {
  source: string;
  target?: string;
  targetVersion?: string;
  /** blocked: something will not work on the target as it stands; ready: only actions remain. */
  verdict: 'blocked' | 'ready';
  prerequisites: Prerequisite[];
  externalDns: {
    source: ExternalDnsInstance[];
    target?: ExternalDnsInstance[];
    problems: CutoverProblem[];
    /** What to do once, before the first cutover. */
    preparation: string[];
  };
  deadline: KopsDeadline;
  namespaces: NamespacePlan[];
  skipped: { namespace: string; reason: string }[];
  fallbackDays: number;
}

/** A namespace's Services but `default/kubernetes`, the API server's own, which every cluster has. */
function ownServices(source: Inventory, namespace: string) {
  return source
    .inNamespace('Service', namespace)
    .filter((s) => !(namespace === 'default' && s.ref.name === 'kubernetes'));
}

/** Namespaces with something to move, and those left out with the reason. */
function candidates(inputs: MigrationInputs) {
  const { source } = inputs;
  const all = new Set([...source.namespaces(), ...source.ofKind('Namespace').map((n) => n.ref.name)]);
  const reasonLeftOut = (ns: string): string | undefined => {
    if (!all.has(ns)) return 'not on the source';
    if (SYSTEM_NAMESPACES.includes(ns)) return 'system namespace: the target has its own';
    if (movedWorkloads(source, ns).length === 0 && ownServices(source, ns).length === 0)
      return 'no workloads or Services to move';
    return undefined;
  };
  /** Every namespace with something to move: what the chosen ones may depend on. */
  const movable = [...all].sort().filter((ns) => reasonLeftOut(ns) === undefined);
  const chosen: string[] = [];
  const skipped: MigrationPlan['skipped'] = [];
  for (const ns of inputs.namespaces ?? [...all].sort()) {
    const reason = reasonLeftOut(ns);
    if (reason) skipped.push({ namespace: ns, reason });
    else if (!chosen.includes(ns)) chosen.push(ns);
  }
  return { chosen, movable, skipped };
}

function prerequisitesOf(inputs: MigrationInputs, needs: Map<string, ClusterDependency[]>): Prerequisite[] {
  const byKey = new Map<string, Prerequisite>();
  for (const [namespace, deps] of needs)
    for (const d of deps) {
      const key = `${d.kind}/${d.name}`;
      const p = byKey.get(key) ?? {
        kind: d.kind,
        name: d.name,
        ...(inputs.target ? { onTarget: presentOn(inputs.target, d) } : {}),
        neededBy: [],
      };
      byKey.set(key, p);
      if (!p.neededBy.includes(namespace)) p.neededBy.push(namespace);
    }
  return [...byKey.values()].sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));
}

function isStateful(source: Inventory, namespace: string): boolean {
  return (
    source.inNamespace('PersistentVolumeClaim', namespace).length > 0 ||
    source.inNamespace('StatefulSet', namespace).length > 0
  );
}

export function planMigration(inputs: MigrationInputs): MigrationPlan {
  const { source, target } = inputs;
  const { chosen, movable, skipped } = candidates(inputs);
  // Edges among every movable namespace, so that -n payments still says it needs accounting.
  const dependencies = namespaceDependencies(source, movable);
  const among = dependencies.filter((d) => chosen.includes(d.from) && chosen.includes(d.on));
  const needs = new Map(chosen.map((ns) => [ns, clusterDependencies(source, ns)]));
  const stateful = new Set(chosen.filter((ns) => isStateful(source, ns)));
  const steps = migrationOrder({
    namespaces: chosen,
    edges: among.map((d) => [d.from, d.on]),
    stateful,
  });
  const externalDns = {
    source: externalDnsInstances(source),
    ...(target ? { target: externalDnsInstances(target) } : {}),
  };
  const dnsProblems = cutoverProblems(externalDns.source, externalDns.target);
  const targetNamespaces = target
    ? new Set([...target.namespaces(), ...target.ofKind('Namespace').map((n) => n.ref.name)])
    : undefined;
  const until = isoDay(new Date(inputs.now.getTime() + inputs.fallbackDays * 86_400_000));
  const namespaces: NamespacePlan[] = [];
  steps.forEach((group, i) => {
    for (const namespace of group) {
      const clusterNeeds = needs.get(namespace) ?? [];
      const plan: NamespacePlan = {
        namespace,
        step: i + 1,
        movesWith: group.filter((g) => g !== namespace),
        stateful: stateful.has(namespace),
        ...(targetNamespaces ? { onTarget: targetNamespaces.has(namespace) } : {}),
        dependsOn: dependencies.filter((d) => d.from === namespace),
        dependedOnBy: [...new Set(dependencies.filter((d) => d.on === namespace).map((d) => d.from))].sort(),
        holdings: holdingsOf(source, namespace),
        clusterDependencies: clusterNeeds,
        incompatibilities: incompatibilitiesOf({
          source,
          ...(target ? { target } : {}),
          ...(inputs.targetVersion ? { targetVersion: inputs.targetVersion } : {}),
          namespace,
          dependencies: clusterNeeds,
          externalDns: externalDns.source,
        }),
        checklist: [],
      };
      plan.checklist = namespaceChecklist(plan, { ...inputs, externalDns, fallbackUntil: until });
      namespaces.push(plan);
    }
  });
  const blocked = namespaces.some((n) => n.incompatibilities.some((x) => x.level === 'blocker'));
  return {
    source: inputs.sourceName,
    ...(inputs.targetName ? { target: inputs.targetName } : {}),
    ...(inputs.targetVersion ? { targetVersion: inputs.targetVersion } : {}),
    verdict: blocked || dnsProblems.some((p) => p.blocker) ? 'blocked' : 'ready',
    prerequisites: prerequisitesOf(inputs, needs),
    externalDns: {
      ...externalDns,
      problems: dnsProblems,
      preparation: cutoverPreparation(externalDns.source, externalDns.target),
    },
    deadline: kopsDeadline(source, inputs.now),
    namespaces,
    skipped,
    fallbackDays: inputs.fallbackDays,
  };
}
