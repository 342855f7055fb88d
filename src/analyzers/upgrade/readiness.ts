/**
 * Upgrade readiness (`hindsight upgrade --to X`): one verdict per thing that decides whether a
 * cluster can move to Kubernetes X, in the order a team works through them — the EKS support
 * calendar and its price, the one-minor-at-a-time path, APIs X no longer serves (in files, in
 * what was last applied, in Helm's stored manifests, and in what clients still call), kubelet
 * skew, and what makes the node rotation of an upgrade stall or hurt (PDBs that allow no
 * eviction, single replicas, no readiness probes).
 */

import { appliedApi } from '../../core/applied-api.ts';
import type { Finding } from '../../core/finding.ts';
import { asRecord } from '../../core/records.ts';
import { compareMinor, deprecatedApi, parseMinor } from '../../data/deprecated-apis.ts';
import {
  EKS_EXTENDED_HOURLY_USD,
  EKS_STANDARD_HOURLY_USD,
  type EksVersion,
} from '../../data/eks-versions.ts';
import { runRules } from '../../engine/run-rules.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { RULES } from '../../rules/registry.ts';
import type { RequestedDeprecatedApi } from '../../sources/cluster/api-server-facts.ts';
import type { HelmRevision } from '../../sources/helm-releases/storage.ts';
import { analyzeHelmReleases } from '../helm/releases.ts';

export type Verdict = 'blocker' | 'action' | 'ok' | 'unknown';

export interface ChecklistItem {
  id: string;
  title: string;
  verdict: Verdict;
  summary: string;
  details: string[];
}

export interface UpgradeInputs {
  inventory: Inventory;
  /** Whether the objects come from a cluster or a snapshot (for the wording only). */
  live: boolean;
  currentVersion?: string;
  targetVersion: string;
  /** Undefined when the API server's metrics could not be read (or the input is files). */
  requestedDeprecated?: RequestedDeprecatedApi[];
  requestedDeprecatedProblem?: string;
  /** Helm's stored revisions, when read. */
  helmRevisions?: HelmRevision[];
  calendar: readonly EksVersion[];
  now: Date;
}

export interface UpgradeReport {
  from?: string;
  to: string;
  /** The minor versions EKS goes through, one at a time. */
  path: string[];
  verdict: Verdict;
  items: ChecklistItem[];
}

const minor = (v: string): string => (parseMinor(v) ?? [0, 0]).join('.');
const DAY_MS = 86_400_000;
const HOURS_PER_MONTH = 730;

function upgradePath(from: string | undefined, to: string): string[] {
  const a = from ? parseMinor(from) : undefined;
  const b = parseMinor(to);
  if (!a || !b || a[0] !== b[0] || b[1] <= a[1]) return [minor(to)];
  return Array.from({ length: b[1] - a[1] }, (_, i) => `${a[0]}.${a[1] + i + 1}`);
}

function calendarItem(inputs: UpgradeInputs): ChecklistItem {
  const title = 'EKS support calendar';
  const at = (v: string | undefined) => (v ? inputs.calendar.find((c) => c.version === minor(v)) : undefined);
  const current = at(inputs.currentVersion);
  const target = at(inputs.targetVersion);
  const details: string[] = [];
  let verdict: Verdict = 'ok';
  const now = inputs.now.getTime();
  if (!inputs.currentVersion)
    return {
      id: 'eks-support',
      title,
      verdict: 'unknown',
      summary: 'the current version is not known (give --from)',
      details,
    };
  if (!current) {
    return {
      id: 'eks-support',
      title,
      verdict: 'unknown',
      summary: `${minor(inputs.currentVersion)} is not in the calendar (give a newer one with --eks-calendar)`,
      details,
    };
  }
  const standardEnds = Date.parse(current.endOfStandardSupport);
  const extendedEnds = Date.parse(current.endOfExtendedSupport);
  const extraMonthly = (EKS_EXTENDED_HOURLY_USD - EKS_STANDARD_HOURLY_USD) * HOURS_PER_MONTH;
  let summary: string;
  if (now >= extendedEnds) {
    verdict = 'blocker';
    summary = `${current.version} left extended support on ${current.endOfExtendedSupport}: EKS upgrades such clusters on its own schedule`;
  } else if (now >= standardEnds) {
    verdict = 'action';
    summary = `${current.version} has been in extended support since ${current.endOfStandardSupport}: $${EKS_EXTENDED_HOURLY_USD.toFixed(2)} instead of $${EKS_STANDARD_HOURLY_USD.toFixed(2)} per cluster hour, $${Math.round(extraMonthly)} more a month per cluster, until ${current.endOfExtendedSupport}`;
  } else {
    const days = Math.floor((standardEnds - now) / DAY_MS);
    verdict = days < 60 ? 'action' : 'ok';
    summary = `${current.version} is in standard support for ${days} more days (until ${current.endOfStandardSupport}); extended support after that costs $${Math.round(extraMonthly)} more a month per cluster`;
  }
  if (target)
    details.push(
      `${target.version}: standard support until ${target.endOfStandardSupport}, extended until ${target.endOfExtendedSupport}`,
    );
  else
    details.push(
      `${minor(inputs.targetVersion)} is not in the calendar: check that EKS offers it (or give --eks-calendar)`,
    );
  return { id: 'eks-support', title, verdict, summary, details };
}

function objectApisItem(inputs: UpgradeInputs): ChecklistItem {
  const removed: string[] = [];
  const deprecated: string[] = [];
  for (const entry of inputs.inventory.all()) {
    const api = appliedApi(entry.object);
    const known = api ? deprecatedApi(api.apiVersion, api.kind) : undefined;
    // Flux's and Karpenter's versions in the table are their own releases, not Kubernetes'.
    if (!api || known?.component !== 'kubernetes') continue;
    const where = `${describe(entry)} (${api.apiVersion} ${api.kind}${known.replacement ? ` → ${known.replacement.apiVersion}` : ''})`;
    if (known.removedIn && compareMinor(known.removedIn, inputs.targetVersion) <= 0)
      removed.push(`${where}: removed in ${known.removedIn}`);
    else if (known.deprecatedIn && compareMinor(known.deprecatedIn, inputs.targetVersion) <= 0)
      deprecated.push(
        `${where}: deprecated in ${known.deprecatedIn}, removed in ${known.removedIn ?? 'a later release'}`,
      );
  }
  const source = inputs.live ? 'what was last applied' : 'the manifests';
  const verdict: Verdict = removed.length > 0 ? 'blocker' : deprecated.length > 0 ? 'action' : 'ok';
  const summary =
    removed.length > 0
      ? `${removed.length} objects in ${source} use APIs ${minor(inputs.targetVersion)} no longer serves: move them first, or the next apply fails`
      : deprecated.length > 0
        ? `${deprecated.length} objects in ${source} use deprecated APIs`
        : `no object in ${source} uses an API ${minor(inputs.targetVersion)} removed`;
  return {
    id: 'removed-apis',
    title: `Removed APIs in ${source}`,
    verdict,
    summary,
    details: [...removed, ...deprecated],
  };
}

function requestedApisItem(inputs: UpgradeInputs): ChecklistItem {
  const title = 'Deprecated APIs clients still call';
  if (!inputs.requestedDeprecated)
    return {
      id: 'requested-deprecated-apis',
      title,
      verdict: 'unknown',
      summary: inputs.requestedDeprecatedProblem ?? 'not read (files were given)',
      details: [],
    };
  const name = (a: RequestedDeprecatedApi) =>
    `${a.group ? `${a.group}/` : ''}${a.version} ${a.resource}${a.subresource ? `/${a.subresource}` : ''}`;
  const removed = inputs.requestedDeprecated.filter(
    (a) => a.removedRelease && compareMinor(a.removedRelease, inputs.targetVersion) <= 0,
  );
  const later = inputs.requestedDeprecated.filter((a) => !removed.includes(a));
  const details = [
    ...removed.map((a) => `${name(a)}: removed in ${a.removedRelease}`),
    ...later.map(
      (a) =>
        `${name(a)}: deprecated${a.removedRelease ? `, removed in ${a.removedRelease}` : ', no removal planned'}`,
    ),
  ];
  return {
    id: 'requested-deprecated-apis',
    title,
    verdict: removed.length > 0 ? 'blocker' : 'ok',
    summary:
      removed.length > 0
        ? `clients called ${removed.length} APIs ${minor(inputs.targetVersion)} removes since the API server started (apiserver_requested_deprecated_apis; its audit log names the callers)`
        : `no client called an API ${minor(inputs.targetVersion)} removes since the API server started`,
    details,
  };
}

function helmItem(inputs: UpgradeInputs): ChecklistItem {
  const title = 'Removed APIs in Helm releases';
  if (!inputs.helmRevisions)
    return {
      id: 'helm-release-apis',
      title,
      verdict: 'unknown',
      summary: inputs.live
        ? 'not read (add --helm-releases; it reads Helm’s release Secrets)'
        : 'not read (files were given; against the cluster, add --helm-releases)',
      details: [],
    };
  const report = analyzeHelmReleases(inputs.helmRevisions, [], {
    now: inputs.now,
    targetVersion: minor(inputs.targetVersion),
    stuckAfterMs: 15 * 60_000,
  });
  const details: string[] = [];
  let verdict: Verdict = 'ok';
  for (const r of report.releases)
    for (const p of r.problems) {
      if (p.id === 'release-api-removed' || p.id === 'release-stuck-pending') verdict = 'blocker';
      else if (p.id === 'release-api-deprecated' && verdict === 'ok') verdict = 'action';
      else if (p.id !== 'release-api-deprecated') continue;
      details.push(`${r.namespace}/${r.name}: ${p.message}`);
    }
  return {
    id: 'helm-release-apis',
    title,
    verdict,
    summary: `${report.releases.length} releases read, ${details.length} to act on`,
    details,
  };
}

function skewItem(inputs: UpgradeInputs): ChecklistItem {
  const target = parseMinor(inputs.targetVersion);
  const tooOld = new Map<string, string[]>();
  let nodes = 0;
  for (const node of inputs.inventory.ofKind('Node')) {
    const version = asRecord(asRecord(asRecord(node.object.status)?.nodeInfo))?.kubeletVersion;
    if (typeof version !== 'string') continue;
    nodes++;
    const v = parseMinor(version);
    // The kubelet may be at most three minor versions older than the API server (since 1.28).
    if (target && v && (v[0] < target[0] || target[1] - v[1] > 3))
      tooOld.set(minor(version), [...(tooOld.get(minor(version)) ?? []), node.ref.name]);
  }
  const title = 'Kubelet version skew';
  if (nodes === 0)
    return {
      id: 'node-skew',
      title,
      verdict: 'unknown',
      summary: 'no Node with a kubelet version in the input',
      details: [],
    };
  const details = [...tooOld].map(
    ([v, names]) =>
      `kubelet ${v}: ${names.length} nodes (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})`,
  );
  const count = [...tooOld.values()].reduce((n, l) => n + l.length, 0);
  return {
    id: 'node-skew',
    title,
    verdict: count > 0 ? 'blocker' : 'ok',
    summary:
      count > 0
        ? `${count} of ${nodes} nodes run a kubelet more than three minors older than ${minor(inputs.targetVersion)}: replace them before the control plane moves`
        : `every one of ${nodes} kubelets is within three minors of ${minor(inputs.targetVersion)}`,
    details,
  };
}

function describe(entry: InventoryEntry): string {
  return `${entry.ref.kind} ${entry.ref.namespace ? `${entry.ref.namespace}/` : ''}${entry.ref.name}`;
}

function ruleItem(
  findings: readonly Finding[],
  id: string,
  title: string,
  ruleId: string,
  verdictIfAny: Verdict,
  what: string,
): ChecklistItem {
  const mine = findings.filter((f) => f.ruleId === ruleId);
  const details = mine.map(
    (f) =>
      `${f.ref.kind} ${f.ref.namespace ? `${f.ref.namespace}/` : ''}${f.ref.name}${f.container ? ` (${f.container})` : ''}: ${f.message}`,
  );
  return {
    id,
    title,
    verdict: mine.length > 0 ? verdictIfAny : 'ok',
    summary: mine.length > 0 ? `${mine.length} ${what} (${ruleId})` : `none (${ruleId})`,
    details,
  };
}

/**
 * PDBs the disruption controller says allow no eviction right now (`status.disruptionsAllowed`
 * 0 with pods expected): unhealthy pods, or a budget as tight as the replicas. The rule finds the
 * second kind in any input; this adds the first, which only a live cluster shows.
 */
function drainItem(inputs: UpgradeInputs, findings: readonly Finding[]): ChecklistItem {
  const item = ruleItem(
    findings,
    'drain-blockers',
    'PDBs that stop node drains',
    'pdb-allows-no-disruption',
    'blocker',
    'PodDisruptionBudgets allow no eviction: the node rotation of the upgrade waits on them',
  );
  const named = new Set(
    findings
      .filter((f) => f.ruleId === 'pdb-allows-no-disruption')
      .map((f) => `${f.ref.namespace}/${f.ref.name}`),
  );
  const now: string[] = [];
  for (const pdb of inputs.inventory.ofKind('PodDisruptionBudget')) {
    const status = asRecord(pdb.object.status);
    if (!status || named.has(`${pdb.ref.namespace}/${pdb.ref.name}`)) continue;
    const n = (key: string) => (typeof status[key] === 'number' ? (status[key] as number) : undefined);
    if (n('disruptionsAllowed') !== 0 || !n('expectedPods')) continue;
    now.push(
      `${describe(pdb)}: allows 0 evictions now: ${n('currentHealthy') ?? '?'} pods healthy of the ${n('desiredHealthy') ?? '?'} it must keep (${n('expectedPods')} expected); a drain waits until more are healthy`,
    );
  }
  if (now.length === 0) return item;
  const total = item.details.length + now.length;
  return {
    ...item,
    verdict: 'blocker',
    summary: `${total} PodDisruptionBudgets allow no eviction (${item.details.length} by their spec, ${now.length} by their pods' health now): the node rotation of the upgrade waits on them`,
    details: [...item.details, ...now],
  };
}

const ORDER: Record<Verdict, number> = { blocker: 0, action: 1, unknown: 2, ok: 3 };

export function analyzeUpgrade(inputs: UpgradeInputs): UpgradeReport {
  const rules = [
    'pdb-allows-no-disruption',
    'workload-single-replica',
    'container-readiness-probe-missing',
  ].flatMap((id) => RULES.get(id) ?? []);
  const { findings } = runRules(inputs.inventory, {
    rules,
    now: inputs.now,
    targetVersion: minor(inputs.targetVersion),
  });
  const items = [
    calendarItem(inputs),
    objectApisItem(inputs),
    requestedApisItem(inputs),
    helmItem(inputs),
    skewItem(inputs),
    drainItem(inputs, findings),
    ruleItem(
      findings,
      'single-replicas',
      'Single-replica workloads',
      'workload-single-replica',
      'action',
      'workloads go down while their node is drained',
    ),
    ruleItem(
      findings,
      'readiness-probes',
      'Workloads without readiness probes',
      'container-readiness-probe-missing',
      'action',
      'containers take traffic before they are ready when rescheduled',
    ),
  ];
  const verdict = items.reduce<Verdict>(
    (worst, i) => (ORDER[i.verdict] < ORDER[worst] && i.verdict !== 'unknown' ? i.verdict : worst),
    'ok',
  );
  return {
    ...(inputs.currentVersion ? { from: minor(inputs.currentVersion) } : {}),
    to: minor(inputs.targetVersion),
    path: upgradePath(inputs.currentVersion, inputs.targetVersion),
    verdict,
    items,
  };
}
