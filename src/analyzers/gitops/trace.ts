/**
 * "Where is my commit?" — `hindsight trace`. Walks Flux's chain for a Git commit or a live object
 * (source → Kustomization/HelmRelease (→ HelmChart) → the objects they applied) and gives, for
 * each hop, the revision it holds, whether the commit is in it, what was last attempted against
 * what was last applied, and then the one reason the commit (or object) is not live: the source
 * has not fetched it, the source fails (authentication, rate limit), something is suspended, a
 * dependency is not ready (walked to its root), an earlier revision broke and blocks every later
 * one (Flux applies whole revisions), a build, dry-run or health check fails and on what object,
 * a Helm upgrade failed or was rolled back.
 *
 * Pure: the objects come in already read, and Git ancestry through {@link GitFacts} (a local
 * clone's history in the CLI, exact revision matches without one).
 */

import { asRecord } from '../../core/records.ts';
import type { KubeObject } from '../../core/resource.ts';
import { parseDuration } from '../certs/duration.ts';
import {
  artifact,
  type Condition,
  condition,
  dependsOn,
  inventoryId,
  inventoryIds,
  kustomizationHistory,
  objectKey,
  type Ref,
  refKey,
  refOf,
  revisionCommit,
  shortRevision,
  sourceRef,
  spec,
  status,
  str,
  stringFields,
  suspended,
} from './flux.ts';

export interface CommitInfo {
  sha: string;
  subject?: string;
  /** Committer date, ISO 8601. */
  date?: string;
}

/** What Git can say about commits: from a local clone, or nothing beyond equality. */
export interface GitFacts {
  /** Whether commit `a` is `b` or an ancestor of it; undefined when the history at hand cannot tell. */
  isAncestor(a: string, b: string): boolean | undefined;
  /** The commits after `from` up to and including `to`, oldest first, when known. */
  between?(from: string, to: string): CommitInfo[] | undefined;
}

/** Without a clone: a commit is known to be in a revision only when it is that revision. */
export const EXACT_ONLY: GitFacts = {
  isAncestor: (a, b) => (sameCommit(a, b) ? true : undefined),
};

export function sameCommit(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x.length >= 7 && y.length >= 7 && (x.startsWith(y) || y.startsWith(x));
}

export type TraceState = 'live' | 'not-live' | 'unknown';

export type TraceReason =
  | 'applied'
  | 'reconciling'
  | 'source-not-fetched'
  | 'source-failing'
  | 'source-suspended'
  | 'not-on-branch'
  | 'not-reconciled-yet'
  | 'suspended'
  | 'dependency-not-ready'
  | 'blocked-by-failed-revision'
  | 'build-failed'
  | 'apply-failed'
  | 'health-check-failed'
  | 'prune-failed'
  | 'artifact-failed'
  | 'failed'
  | 'chart-not-built'
  | 'helm-install-failed'
  | 'helm-upgrade-failed'
  | 'helm-test-failed'
  | 'helm-rolled-back'
  | 'not-managed'
  | 'not-found'
  | 'unknown';

export interface TraceVerdict {
  state: TraceState;
  reason: TraceReason;
  /** The reason in plain words. */
  message: string;
  /** The Flux object the reason is about, `Kind/namespace/name`. */
  at?: string;
  /** The object a failing dry-run or health check names, when the message names one. */
  failingObject?: string;
  /** Since when, ISO 8601: the failure's first time, the last fetch, the application. */
  since?: string;
  /** The commits the reason is about (a failed range), oldest first. */
  commits?: CommitInfo[];
}

export interface TraceHop {
  kind: string;
  namespace: string;
  name: string;
  /** The revision it holds: a source's artifact, a Kustomization's last applied, a HelmRelease's chart. */
  revision?: string;
  /** A Kustomization's or HelmRelease's last attempted revision, when it is not the applied one. */
  attempted?: string;
  /** Commit mode: whether the commit is in `revision` (null: cannot tell). */
  hasCommit?: boolean | null;
  ready?: string;
  reason?: string;
  message?: string;
  /** The Ready condition's last transition. */
  since?: string;
  suspended?: boolean;
  /** Plain-words lines about the hop (interval, dependencies, the inventory). */
  notes: string[];
}

export interface TracePath {
  /** The Kustomization or HelmRelease (or object) this path ends in, `Kind/namespace/name`. */
  target: string;
  /** From the source down to the object. */
  hops: TraceHop[];
  verdict: TraceVerdict;
}

export interface TraceReport {
  mode: 'commit' | 'object' | 'all';
  query: string;
  commit?: CommitInfo;
  paths: TracePath[];
  /** All paths live → live; else the first path that is not. */
  verdict: TraceVerdict;
  notes: string[];
}

export interface FluxState {
  /** GitRepository, OCIRepository, Bucket, HelmRepository, HelmChart, Kustomization, HelmRelease. */
  objects: KubeObject[];
}

export interface TraceOptions {
  now: Date;
  git?: GitFacts;
}

/** The objects by `Kind/namespace/name`, and who consumes which source. */
class FluxIndex {
  readonly byRef = new Map<string, KubeObject>();
  readonly kustomizations: KubeObject[] = [];
  readonly helmReleases: KubeObject[] = [];
  readonly sources: KubeObject[] = [];

  constructor(objects: KubeObject[]) {
    for (const o of objects) {
      this.byRef.set(refKey(refOf(o)), o);
      if (o.kind === 'Kustomization') this.kustomizations.push(o);
      else if (o.kind === 'HelmRelease') this.helmReleases.push(o);
      else this.sources.push(o);
    }
  }

  get(ref: Ref): KubeObject | undefined {
    return this.byRef.get(refKey(ref));
  }

  /** A HelmRelease's chart object: `spec.chartRef` (OCIRepository, HelmChart) or the HelmChart it made. */
  chartOf(hr: KubeObject): KubeObject | undefined {
    const chartRef = asRecord(spec(hr).chartRef);
    const kind = str(chartRef?.kind);
    const name = str(chartRef?.name);
    if (kind && name)
      return this.get({ kind, name, namespace: str(chartRef?.namespace) ?? hr.metadata.namespace ?? '' });
    const fromStatus = str(status(hr).helmChart);
    if (fromStatus?.includes('/')) {
      const [namespace, name] = fromStatus.split('/', 2) as [string, string];
      const chart = this.get({ kind: 'HelmChart', namespace, name });
      if (chart) return chart;
    }
    const template = asRecord(asRecord(spec(hr).chart)?.spec);
    const sourceNamespace = str(asRecord(template?.sourceRef)?.namespace) ?? hr.metadata.namespace ?? '';
    return this.get({
      kind: 'HelmChart',
      namespace: sourceNamespace,
      name: `${hr.metadata.namespace ?? ''}-${hr.metadata.name ?? ''}`,
    });
  }

  /** The Kustomizations and HelmReleases that take their files from this source. */
  consumersOf(source: KubeObject): KubeObject[] {
    const key = refKey(refOf(source));
    const out: KubeObject[] = [];
    for (const k of this.kustomizations) {
      const ref = sourceRef(k);
      if (ref && refKey(ref) === key) out.push(k);
    }
    // A HelmRelease's furthest hop up is its source (through its HelmChart, or the chart
    // template's sourceRef before helm-controller has made the HelmChart).
    for (const hr of this.helmReleases)
      if (this.upstream(hr).some((u) => refKey(refOf(u)) === key)) out.push(hr);
    return out;
  }

  /** Where a Kustomization or HelmRelease gets its content: [its chart,] its source. */
  upstream(o: KubeObject): KubeObject[] {
    if (o.kind === 'Kustomization') {
      const ref = sourceRef(o);
      const source = ref ? this.get(ref) : undefined;
      return source ? [source] : [];
    }
    const chart = this.chartOf(o);
    if (!chart) {
      // helm-controller makes the HelmChart; before it has, the template names the source.
      const template = asRecord(asRecord(spec(o).chart)?.spec);
      const ref = asRecord(template?.sourceRef);
      const kind = str(ref?.kind);
      const name = str(ref?.name);
      const source =
        kind && name
          ? this.get({ kind, name, namespace: str(ref?.namespace) ?? o.metadata.namespace ?? '' })
          : undefined;
      return source ? [source] : [];
    }
    if (chart.kind !== 'HelmChart') return [chart];
    const ref = sourceRef(chart);
    const source = ref ? this.get(ref) : undefined;
    return source ? [source, chart] : [chart];
  }

  /** The Kustomization or HelmRelease whose inventory lists this id. */
  inventoryOwner(id: string): KubeObject | undefined {
    for (const o of [...this.kustomizations, ...this.helmReleases])
      if (inventoryIds(o).includes(id)) return o;
    return undefined;
  }
}

function label(o: KubeObject): string {
  return `${o.kind}/${objectKey(o)}`;
}

function refLabel(r: Ref): string {
  return `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

function interval(o: KubeObject, field = 'interval'): string | undefined {
  return str(spec(o)[field]);
}

/** A Kustomization's last applied revision, a HelmRelease's deployed chart, a source's artifact. */
function heldRevision(o: KubeObject): string | undefined {
  if (o.kind === 'Kustomization') return str(status(o).lastAppliedRevision);
  if (o.kind === 'HelmRelease') {
    const latest = helmHistory(o)[0];
    return latest?.chartVersion;
  }
  return artifact(o).revision;
}

function attemptedRevision(o: KubeObject): string | undefined {
  return str(status(o).lastAttemptedRevision);
}

const ORIGIN_REVISION = 'org.opencontainers.image.revision';

/**
 * The Git revision a source's artifact was made from: a GitRepository's own revision, a HelmChart's
 * observed source revision, or — for OCIRepository, Bucket and ExternalArtifact — the origin
 * revision the artifact carries (`org.opencontainers.image.revision`, set by `flux push artifact`
 * and by ArtifactGenerator's `originRevision`).
 */
function sourceGitRevision(o: KubeObject): string | undefined {
  if (o.kind === 'GitRepository') return artifact(o).revision;
  if (o.kind === 'HelmChart') return str(status(o).observedSourceArtifactRevision);
  return artifact(o).metadata?.[ORIGIN_REVISION];
}

/** The commit a Kustomization last applied: its origin revision (OCI, ExternalArtifact), else its revision. */
function appliedCommitOf(k: KubeObject): string | undefined {
  return (
    revisionCommit(str(status(k).lastAppliedOriginRevision)) ??
    revisionCommit(str(status(k).lastAppliedRevision))
  );
}

/** The commit of a Kustomization's last attempt: the revision, else the origin its history or source records. */
function attemptedCommitOf(k: KubeObject, source: KubeObject | undefined): string | undefined {
  const attempted = attemptedRevision(k);
  const direct = revisionCommit(attempted);
  if (direct || !attempted) return direct;
  const recorded = kustomizationHistory(k).find((h) => h.revision === attempted)?.originRevision;
  if (recorded) return revisionCommit(recorded);
  return source && artifact(source).revision === attempted
    ? revisionCommit(sourceGitRevision(source))
    : undefined;
}

function hopOf(o: KubeObject, commit: string | undefined, git: GitFacts): TraceHop {
  const ready = condition(o, 'Ready');
  const hop: TraceHop = {
    kind: o.kind,
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name ?? '',
    notes: [],
  };
  const revision = heldRevision(o);
  if (revision) hop.revision = revision;
  const attempted = attemptedRevision(o);
  if (attempted && attempted !== revision) hop.attempted = attempted;
  if (commit) {
    const c =
      o.kind === 'Kustomization'
        ? appliedCommitOf(o)
        : o.kind === 'HelmRelease'
          ? undefined
          : revisionCommit(sourceGitRevision(o));
    if (c) hop.hasCommit = git.isAncestor(commit, c) ?? null;
  }
  if (ready) {
    hop.ready = ready.status;
    if (ready.reason) hop.reason = ready.reason;
    if (ready.message) hop.message = ready.message;
    if (ready.lastTransitionTime) hop.since = ready.lastTransitionTime;
  }
  if (suspended(o)) hop.suspended = true;
  const every = interval(o);
  if (every) hop.notes.push(`reconciles every ${every}`);
  const deps = dependsOn(o);
  if (deps.length > 0) hop.notes.push(`depends on ${deps.map((d) => `${d.namespace}/${d.name}`).join(', ')}`);
  if (o.kind === 'HelmChart') {
    const observed = str(status(o).observedSourceArtifactRevision);
    if (observed) hop.notes.push(`packaged from ${shortRevision(observed)}`);
  }
  if (o.kind === 'Kustomization' || o.kind === 'HelmRelease') {
    const n = inventoryIds(o).length;
    if (n > 0) hop.notes.push(`${n} object${n === 1 ? '' : 's'} in its inventory`);
  }
  return hop;
}

/** Failing source messages in the words a person acts on. */
function sourceFailure(o: KubeObject, ready: Condition): TraceVerdict {
  const message = ready.message ?? ready.reason ?? 'not ready';
  const lower = message.toLowerCase();
  const kind =
    /\b(401|403)\b|authenticat|authoriz|permission denied|credentials|invalid username|access denied/.test(
      lower,
    )
      ? 'it cannot authenticate to the repository'
      : /rate limit|\b429\b|too many requests/.test(lower)
        ? 'the repository host is rate-limiting it'
        : /no such host|dial tcp|i\/o timeout|connection refused|tls handshake|network is unreachable/.test(
              lower,
            )
          ? 'it cannot reach the repository host'
          : /not found|\b404\b|couldn't find remote ref/.test(lower)
            ? 'the repository, branch or tag it points at was not found'
            : 'it fails to fetch';
  const verdict: TraceVerdict = {
    state: 'not-live',
    reason: 'source-failing',
    message: `${label(o)}: ${kind}: ${message}`,
    at: label(o),
  };
  if (ready.lastTransitionTime) verdict.since = ready.lastTransitionTime;
  return verdict;
}

/** Whether a source holds the commit; a verdict when it does not (or cannot be told). */
function sourceVerdict(
  source: KubeObject,
  commit: CommitInfo,
  git: GitFacts,
  now: Date,
): TraceVerdict | undefined {
  const { revision, lastUpdateTime } = artifact(source);
  const held = sourceGitRevision(source) ?? revision;
  const heldCommit = revisionCommit(held);
  const has = heldCommit ? git.isAncestor(commit.sha, heldCommit) : undefined;
  if (has === true) return undefined;
  if (source.kind === 'HelmChart') {
    const ready = condition(source, 'Ready');
    if (ready?.status === 'False') return { ...sourceFailure(source, ready), reason: 'chart-not-built' };
    return {
      state: 'not-live',
      reason: 'chart-not-built',
      message: `${label(source)} has not packaged a revision with ${commit.sha.slice(0, 8)} yet (it has ${shortRevision(held)})`,
      at: label(source),
    };
  }
  if (suspended(source))
    return {
      state: 'not-live',
      reason: 'source-suspended',
      message: `${label(source)} is suspended: it fetches nothing until resumed (flux resume source ${source.kind === 'GitRepository' ? 'git' : source.kind.toLowerCase()} ${source.metadata.name} -n ${source.metadata.namespace})`,
      at: label(source),
    };
  const ready = condition(source, 'Ready');
  if (ready?.status === 'False') return sourceFailure(source, ready);
  const every = interval(source);
  if (!held)
    return {
      state: 'not-live',
      reason: 'source-not-fetched',
      message: `${label(source)} has fetched nothing yet${every ? ` (it checks every ${every})` : ''}`,
      at: label(source),
    };
  const newer = heldCommit ? git.isAncestor(heldCommit, commit.sha) : undefined;
  if (has === false && newer === true) {
    const verdict: TraceVerdict = {
      state: 'not-live',
      reason: 'source-not-fetched',
      message: `${label(source)} has not fetched it yet: it holds ${shortRevision(held)}${lastUpdateTime ? `, fetched ${lastUpdateTime}` : ''}${every ? `, and checks for new commits every ${every}` : ''}`,
      at: label(source),
    };
    if (lastUpdateTime) verdict.since = lastUpdateTime;
    const everyMs = every ? parseDuration(every) : undefined;
    const committed = commit.date ? Date.parse(commit.date) : Number.NaN;
    if (everyMs && Number.isFinite(committed) && now.getTime() - committed > 3 * everyMs + 60_000)
      verdict.message += `; the commit is ${Math.round((now.getTime() - committed) / 60_000)} min old, over three intervals: is source-controller running, and is the commit pushed to the branch it follows?`;
    return verdict;
  }
  if (has === false && newer === false) {
    const ref = asRecord(spec(source).ref);
    const pointer = str(ref?.branch) ?? str(ref?.tag) ?? str(ref?.semver) ?? str(ref?.name) ?? 'the ref';
    return {
      state: 'not-live',
      reason: 'not-on-branch',
      message: `${commit.sha.slice(0, 8)} is not in the history ${label(source)} follows (${pointer}, at ${shortRevision(held)}): it is on another branch, or the branch was rewritten`,
      at: label(source),
    };
  }
  return {
    state: 'unknown',
    reason: 'unknown',
    message: `${label(source)} holds ${shortRevision(held)}; whether ${commit.sha.slice(0, 8)} is in it needs the repository's history: pass --repo DIR, a clone that has both commits`,
    at: label(source),
  };
}

/**
 * What a Kustomization that waits (`wait: true`, health checks) is waiting on among the Flux
 * objects it applied — a HelmRelease or Kustomization not ready — and why, one level down.
 */
function waitingOn(k: KubeObject, index: FluxIndex, seen: Set<string>): string | undefined {
  if (k.kind !== 'Kustomization') return undefined;
  for (const id of inventoryIds(k)) {
    const [namespace = '', name = '', , kind = ''] = id.split('_');
    if (kind !== 'HelmRelease' && kind !== 'Kustomization') continue;
    const child = index.get({ kind, namespace, name });
    if (!child || seen.has(refKey(refOf(child)))) continue;
    if (condition(child, 'Ready')?.status === 'True') continue;
    seen.add(refKey(refOf(child)));
    const verdict =
      child.kind === 'HelmRelease'
        ? helmReleaseVerdict(child, index)
        : kustomizationVerdict(child, undefined, index, EXACT_ONLY);
    const own = label(child);
    return `waiting for ${verdict.message.startsWith(own) ? verdict.message : `${own} ← ${verdict.message}`}`;
  }
  return undefined;
}

/** A failed health check of Flux objects (a HelmRelease not ready): why that one is not. */
function withWaiting(verdict: TraceVerdict, k: KubeObject, index: FluxIndex): TraceVerdict {
  if (verdict.reason !== 'health-check-failed') return verdict;
  verdict.message += suffix(waitingOn(k, index, new Set([refKey(refOf(k))])));
  return verdict;
}

function suffix(text: string | undefined): string {
  return text ? `; ${text}` : '';
}

/** The first not-ready dependency, walked to the root of the chain. */
function blockingDependency(
  o: KubeObject,
  index: FluxIndex,
  seen = new Set<string>(),
): { chain: string[]; message: string; since?: string } | undefined {
  seen.add(refKey(refOf(o)));
  for (const ref of dependsOn(o)) {
    const key = refKey(ref);
    if (seen.has(key)) return { chain: [refLabel(ref)], message: 'a dependency cycle' };
    const dep = index.get(ref);
    if (!dep) return { chain: [refLabel(ref)], message: 'it does not exist' };
    const ready = condition(dep, 'Ready');
    if (ready?.status === 'True' && !suspended(dep)) continue;
    const inner = blockingDependency(dep, index, seen);
    if (inner) return { ...inner, chain: [refLabel(ref), ...inner.chain] };
    const waiting = suspended(dep) ? undefined : waitingOn(dep, index, seen);
    const out: { chain: string[]; message: string; since?: string } = {
      chain: [refLabel(ref)],
      message:
        (suspended(dep)
          ? 'it is suspended'
          : ready
            ? `${ready.reason ?? 'not ready'}: ${ready.message ?? ''}`.replace(/: $/, '')
            : 'it has not been reconciled yet') + (waiting ? `; ${waiting}` : ''),
    };
    if (ready?.lastTransitionTime) out.since = ready.lastTransitionTime;
    return out;
  }
  return undefined;
}

const KUSTOMIZE_FAILURES: Record<string, [TraceReason, string]> = {
  BuildFailed: ['build-failed', 'kustomize build failed'],
  HealthCheckFailed: ['health-check-failed', 'the health check failed'],
  ReconciliationFailed: ['apply-failed', 'the server-side dry-run or apply failed'],
  PruneFailed: ['prune-failed', 'pruning removed objects failed'],
  ArtifactFailed: ['artifact-failed', 'the source artifact could not be fetched'],
};

/** `Deployment/apps/api` out of a dry-run or health-check message, when it names one. */
export function failingObject(message: string): string | undefined {
  const match = /\b([A-Z][A-Za-z0-9]+)\/([a-z0-9][a-z0-9.-]*)(?:\/([a-z0-9][a-z0-9.-]*))?/.exec(message);
  return match ? match[0] : undefined;
}

/** The oldest failing revision in a Kustomization's history since its last success. */
function firstFailing(k: KubeObject): { revision: string; commit?: string; since?: string } | undefined {
  let found: { revision: string; commit?: string; since?: string } | undefined;
  for (const h of kustomizationHistory(k)) {
    if (h.lastReconciledStatus === 'ReconciliationSucceeded') break;
    if (h.revision) {
      found = { revision: h.revision };
      const commit = revisionCommit(h.originRevision) ?? revisionCommit(h.revision);
      if (commit) found.commit = commit;
      if (h.firstReconciled) found.since = h.firstReconciled;
    }
  }
  return found;
}

/** When a Kustomization first applied a revision: its history, else the Ready transition. */
function appliedAt(k: KubeObject, revision: string): string | undefined {
  const entry = kustomizationHistory(k).find(
    (h) => h.revision === revision && h.lastReconciledStatus === 'ReconciliationSucceeded',
  );
  return entry?.firstReconciled ?? condition(k, 'Ready')?.lastTransitionTime;
}

function kustomizationFailure(
  k: KubeObject,
  ready: Condition,
  commit: CommitInfo | undefined,
  git: GitFacts,
  source: KubeObject | undefined,
): TraceVerdict {
  const [reason, words] = KUSTOMIZE_FAILURES[ready.reason ?? ''] ?? ['failed', 'reconciliation failed'];
  const message = ready.message ?? '';
  const attempted = attemptedRevision(k);
  const applied = str(status(k).lastAppliedRevision);
  const verdict: TraceVerdict = {
    state: 'not-live',
    reason,
    message: `${label(k)}: ${words} for ${shortRevision(attempted)}: ${message}`,
    at: label(k),
  };
  const object = failingObject(message);
  if (object) verdict.failingObject = object;
  if (ready.lastTransitionTime) verdict.since = ready.lastTransitionTime;
  const attemptedCommit = attemptedCommitOf(k, source);
  const appliedCommit = appliedCommitOf(k);
  const range = appliedCommit && attemptedCommit ? git.between?.(appliedCommit, attemptedCommit) : undefined;
  if (range && range.length > 0) verdict.commits = range;
  const first = firstFailing(k);
  const firstCommit = first?.commit;
  const earlierBroke = first && firstCommit && attemptedCommit && !sameCommit(firstCommit, attemptedCommit);
  const commitIsAttempt = commit && attemptedCommit && sameCommit(commit.sha, attemptedCommit);
  if (earlierBroke && first) {
    verdict.reason = 'blocked-by-failed-revision';
    verdict.message = `${label(k)}: revision ${shortRevision(first.revision)} failed first${first.since ? ` (${first.since})` : ''}, and every revision after it fails the same way, ${shortRevision(attempted)} too: ${words}: ${message}. Flux applies whole revisions, so nothing after ${shortRevision(applied)} goes live until that is fixed`;
    if (first.since) verdict.since = first.since;
  } else if (commit && !commitIsAttempt && attemptedCommit) {
    verdict.reason = 'blocked-by-failed-revision';
    verdict.message = `${label(k)}: ${commit.sha.slice(0, 8)} is in ${shortRevision(attempted)}, which fails: ${words}: ${message}. Flux applies whole revisions: the commit goes live with the first revision after ${shortRevision(applied)} that applies`;
  } else if (range && range.length > 1) {
    verdict.message += `. ${range.length} commits since the last applied ${shortRevision(applied)}: the breakage may come from an earlier one, and every later commit waits on it`;
  }
  return verdict;
}

function kustomizationVerdict(
  k: KubeObject,
  commit: CommitInfo | undefined,
  index: FluxIndex,
  git: GitFacts,
): TraceVerdict {
  const applied = str(status(k).lastAppliedRevision);
  const attempted = attemptedRevision(k);
  const ready = condition(k, 'Ready');
  const source = index.upstream(k)[0];
  const sourceRevision = source ? artifact(source).revision : undefined;
  const appliedCommit = appliedCommitOf(k);
  const isApplied = commit
    ? appliedCommit
      ? git.isAncestor(commit.sha, appliedCommit)
      : false
    : applied !== undefined && applied === sourceRevision && ready?.status === 'True';
  if (isApplied === true) {
    const since = applied ? appliedAt(k, applied) : undefined;
    const verdict: TraceVerdict = {
      state: 'live',
      reason: 'applied',
      message: `${label(k)} applied ${shortRevision(applied)}${since ? ` (${since})` : ''}`,
      at: label(k),
    };
    if (since) verdict.since = since;
    if (ready?.status === 'False')
      verdict.message +=
        `; a later revision fails since: ${ready.reason ?? ''} ${ready.message ?? ''}`.trimEnd();
    return verdict;
  }
  if (suspended(k))
    return {
      state: 'not-live',
      reason: 'suspended',
      message: `${label(k)} is suspended: it applies nothing until resumed (flux resume kustomization ${k.metadata.name} -n ${k.metadata.namespace}); ${applied ? `it last applied ${shortRevision(applied)}` : 'it has applied nothing yet'}`,
      at: label(k),
    };
  const dep = blockingDependency(k, index);
  if (dep) {
    const verdict: TraceVerdict = {
      state: 'not-live',
      reason: 'dependency-not-ready',
      message: `${label(k)} waits on ${dep.chain.join(' ← ')}: ${dep.message}`,
      at: dep.chain[dep.chain.length - 1] ?? label(k),
    };
    if (dep.since) verdict.since = dep.since;
    return verdict;
  }
  const attemptedCommit = attemptedCommitOf(k, source);
  const tried = commit
    ? attemptedCommit
      ? git.isAncestor(commit.sha, attemptedCommit)
      : false
    : attempted !== undefined && attempted === sourceRevision;
  if (tried === true) {
    if (ready?.status === 'False')
      return withWaiting(kustomizationFailure(k, ready, commit, git, source), k, index);
    return {
      state: 'not-live',
      reason: 'reconciling',
      message: `${label(k)} is applying ${shortRevision(attempted)}${ready?.message ? `: ${ready.message}` : ''}${suffix(waitingOn(k, index, new Set([refKey(refOf(k))])))}`,
      at: label(k),
    };
  }
  if (!commit && ready?.status === 'False')
    return withWaiting(kustomizationFailure(k, ready, commit, git, source), k, index);
  if (condition(k, 'Reconciling')?.status === 'True')
    return {
      state: 'not-live',
      reason: 'reconciling',
      message: `${label(k)} is reconciling now${ready?.message ? `: ${ready.message}` : ''}; it last applied ${shortRevision(applied)}`,
      at: label(k),
    };
  const every = interval(k);
  const retry = interval(k, 'retryInterval') ?? every;
  const verdict: TraceVerdict = {
    state: tried === undefined ? 'unknown' : 'not-live',
    reason: tried === undefined ? 'unknown' : 'not-reconciled-yet',
    message:
      ready?.status === 'False'
        ? `${label(k)} has not tried ${commit ? 'a revision with the commit' : shortRevision(sourceRevision)} yet: its last attempt, ${shortRevision(attempted)}, failed (${ready.reason ?? ''}: ${ready.message ?? ''}); it retries every ${retry ?? '?'}`
        : `${label(k)} has not applied ${commit ? 'a revision with the commit' : shortRevision(sourceRevision)} yet: it last applied ${shortRevision(applied)}; it reconciles when the source changes and every ${every ?? '?'} (is kustomize-controller running?)`,
    at: label(k),
  };
  if (ready?.lastTransitionTime) verdict.since = ready.lastTransitionTime;
  return verdict;
}

interface HelmSnapshot {
  version?: number;
  status?: string;
  chartVersion?: string;
  lastDeployed?: string;
}

function helmHistory(hr: KubeObject): HelmSnapshot[] {
  const list = status(hr).history;
  if (!Array.isArray(list)) return [];
  return list.map((item) => {
    const h = asRecord(item) ?? {};
    return {
      ...(typeof h.version === 'number' ? { version: h.version } : {}),
      ...stringFields(h, ['status', 'chartVersion', 'lastDeployed'] as const),
    };
  });
}

const HELM_FAILURES: Record<string, TraceReason> = {
  InstallFailed: 'helm-install-failed',
  UpgradeFailed: 'helm-upgrade-failed',
  TestFailed: 'helm-test-failed',
  ArtifactFailed: 'artifact-failed',
};

function helmReleaseVerdict(hr: KubeObject, index: FluxIndex): TraceVerdict {
  const chart = index.chartOf(hr);
  const chartVersion = chart ? artifact(chart).revision : undefined;
  const latest = helmHistory(hr)[0];
  const ready = condition(hr, 'Ready');
  const released = condition(hr, 'Released');
  const remediated = condition(hr, 'Remediated');
  if (suspended(hr))
    return {
      state: 'not-live',
      reason: 'suspended',
      message: `${label(hr)} is suspended: it releases nothing until resumed (flux resume helmrelease ${hr.metadata.name} -n ${hr.metadata.namespace})`,
      at: label(hr),
    };
  const dep = blockingDependency(hr, index);
  if (dep)
    return {
      state: 'not-live',
      reason: 'dependency-not-ready',
      message: `${label(hr)} waits on ${dep.chain.join(' ← ')}: ${dep.message}`,
      at: dep.chain[dep.chain.length - 1] ?? label(hr),
    };
  const current =
    latest?.status === 'deployed' &&
    (!chartVersion || !latest.chartVersion || latest.chartVersion === chartVersion);
  if (ready?.status === 'True' && current) {
    const verdict: TraceVerdict = {
      state: 'live',
      reason: 'applied',
      message: `${label(hr)} released chart ${latest?.chartVersion ?? '?'} as Helm revision ${latest?.version ?? '?'}${latest?.lastDeployed ? ` (${latest.lastDeployed})` : ''}`,
      at: label(hr),
    };
    if (latest?.lastDeployed) verdict.since = latest.lastDeployed;
    return verdict;
  }
  if (remediated?.status === 'True' && /Rollback|Uninstall/.test(remediated.reason ?? '')) {
    const verdict: TraceVerdict = {
      state: 'not-live',
      reason: 'helm-rolled-back',
      message: `${label(hr)}: the release of chart ${str(status(hr).lastAttemptedRevision) ?? chartVersion ?? '?'} failed and was ${/Uninstall/.test(remediated.reason ?? '') ? 'uninstalled' : 'rolled back'}: ${released?.message ?? remediated.message ?? ''}`,
      at: label(hr),
    };
    if (remediated.lastTransitionTime) verdict.since = remediated.lastTransitionTime;
    return verdict;
  }
  const failed = released?.status === 'False' ? released : ready?.status === 'False' ? ready : undefined;
  if (failed) {
    const verdict: TraceVerdict = {
      state: 'not-live',
      reason: HELM_FAILURES[failed.reason ?? ''] ?? 'failed',
      message: `${label(hr)}: ${failed.reason ?? 'failed'} for chart ${str(status(hr).lastAttemptedRevision) ?? chartVersion ?? '?'}: ${failed.message ?? ''}`,
      at: label(hr),
    };
    const failures = ['installFailures', 'upgradeFailures', 'failures']
      .map((f) => [f, status(hr)[f]] as const)
      .filter(([, n]) => typeof n === 'number' && n > 0);
    if (failures.length > 0) verdict.message += ` (${failures.map(([f, n]) => `${f} ${n}`).join(', ')})`;
    if (failed.lastTransitionTime) verdict.since = failed.lastTransitionTime;
    return verdict;
  }
  const failingSource = index.upstream(hr).find((u) => condition(u, 'Ready')?.status === 'False');
  const failingReady = failingSource ? condition(failingSource, 'Ready') : undefined;
  if (failingSource && failingReady) return sourceFailure(failingSource, failingReady);
  if (!ready)
    return {
      state: 'not-live',
      reason: 'not-reconciled-yet',
      message: `${label(hr)} has no status: helm-controller has not reconciled it (is helm-controller running?)`,
      at: label(hr),
    };
  return {
    state: 'not-live',
    reason: 'not-reconciled-yet',
    message: `${label(hr)} has not released chart ${chartVersion ?? '?'} yet${ready.message ? `: ${ready.message}` : ''}`,
    at: label(hr),
  };
}

function consumerVerdict(
  o: KubeObject,
  commit: CommitInfo | undefined,
  index: FluxIndex,
  git: GitFacts,
  now: Date,
): TraceVerdict {
  // Every hop upstream must hold the commit before the consumer can apply it.
  if (commit)
    for (const up of index.upstream(o)) {
      const v = sourceVerdict(up, commit, git, now);
      if (v) return v;
    }
  if (o.kind === 'Kustomization') return kustomizationVerdict(o, commit, index, git);
  const verdict = helmReleaseVerdict(o, index);
  return verdict;
}

function pathFor(
  o: KubeObject,
  commit: CommitInfo | undefined,
  index: FluxIndex,
  git: GitFacts,
  now: Date,
  below: TraceHop[] = [],
): TracePath {
  const hops = [
    ...index.upstream(o).map((u) => hopOf(u, commit?.sha, git)),
    hopOf(o, commit?.sha, git),
    ...below,
  ];
  return { target: label(o), hops, verdict: consumerVerdict(o, commit, index, git, now) };
}

function overall(paths: TracePath[], empty: TraceVerdict): TraceVerdict {
  if (paths.length === 0) return empty;
  return (
    paths.find((p) => p.verdict.state === 'not-live')?.verdict ??
    paths.find((p) => p.verdict.state === 'unknown')?.verdict ??
    (paths[0] as TracePath).verdict
  );
}

/** Commit mode: every Kustomization and HelmRelease fed by a Git source, for one commit. */
export function traceCommit(
  state: FluxState,
  commit: CommitInfo,
  options: TraceOptions & { sources?: Ref[] },
): TraceReport {
  const git = options.git ?? EXACT_ONLY;
  const index = new FluxIndex(state.objects);
  const notes: string[] = [];
  const wanted = options.sources?.map(refKey);
  const gitSources = index.sources.filter(
    (s) =>
      ['GitRepository', 'OCIRepository', 'Bucket', 'ExternalArtifact'].includes(s.kind) &&
      (!wanted || wanted.includes(refKey(refOf(s)))),
  );
  if (options.sources && gitSources.length === 0)
    notes.push(`no source named ${options.sources.map(refLabel).join(', ')} in the cluster`);
  const paths: TracePath[] = [];
  for (const source of gitSources)
    for (const consumer of index.consumersOf(source))
      paths.push(pathFor(consumer, commit, index, git, options.now));
  // A source that carries nobody still says whether it has the commit.
  for (const source of gitSources)
    if (index.consumersOf(source).length === 0) {
      const verdict = sourceVerdict(source, commit, git, options.now) ?? {
        state: 'live' as const,
        reason: 'applied' as const,
        message: `${label(source)} has it, but no Kustomization or HelmRelease applies from it`,
        at: label(source),
      };
      paths.push({ target: label(source), hops: [hopOf(source, commit.sha, git)], verdict });
    }
  const report: TraceReport = {
    mode: 'commit',
    query: commit.sha,
    commit,
    paths,
    verdict: overall(paths, {
      state: 'unknown',
      reason: 'not-managed',
      message: 'no Flux GitRepository, OCIRepository or Bucket in the cluster',
    }),
    notes,
  };
  return report;
}

/** The object and its owners, nearest first, as the CLI read them (ownerReferences walked up). */
export interface ObjectChain {
  query: Ref & { apiVersion?: string };
  /** Empty when the object is not in the cluster. */
  chain: KubeObject[];
}

/** The Kustomization or HelmRelease that applied an object: labels, then inventories. */
function managerOf(
  chain: KubeObject[],
  query: Ref & { apiVersion?: string },
  index: FluxIndex,
): KubeObject | undefined {
  for (const o of chain) {
    const labels = o.metadata.labels ?? {};
    for (const [group, kind] of [
      ['kustomize.toolkit.fluxcd.io', 'Kustomization'],
      ['helm.toolkit.fluxcd.io', 'HelmRelease'],
    ] as const) {
      const name = labels[`${group}/name`];
      const namespace = labels[`${group}/namespace`];
      if (name && namespace) {
        const found = index.get({ kind, name, namespace });
        if (found) return found;
      }
    }
    const owner = index.inventoryOwner(inventoryId(o));
    if (owner) return owner;
  }
  if (chain.length === 0) {
    for (const o of [...index.kustomizations, ...index.helmReleases])
      for (const id of inventoryIds(o)) {
        const [namespace, name, , kind] = id.split('_');
        if (kind === query.kind && name === query.name && (namespace ?? '') === (query.namespace ?? ''))
          return o;
      }
  }
  return undefined;
}

/** Object mode: which Flux object applied it, at what revision, and whether that is the source's. */
export function traceObject(state: FluxState, object: ObjectChain, options: TraceOptions): TraceReport {
  const git = options.git ?? EXACT_ONLY;
  const index = new FluxIndex(state.objects);
  const query = refLabel(object.query);
  // A Kustomization or HelmRelease traced by name is its own path's end.
  const self = object.chain[0];
  if (
    self &&
    (self.kind === 'Kustomization' || self.kind === 'HelmRelease') &&
    self.apiVersion.includes('.fluxcd.io/')
  ) {
    const own = index.get(refOf(self)) ?? self;
    const path = pathFor(own, undefined, index, git, options.now);
    return { mode: 'object', query, paths: [path], verdict: path.verdict, notes: [] };
  }
  const manager = managerOf(object.chain, object.query, index);
  const objectHops: TraceHop[] = object.chain.map((o) => ({
    kind: o.kind,
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name ?? '',
    notes: [],
  }));
  const report: TraceReport = {
    mode: 'object',
    query,
    paths: [],
    verdict: { state: 'unknown', reason: 'unknown', message: '' },
    notes: [],
  };
  if (!manager) {
    report.verdict =
      object.chain.length === 0
        ? {
            state: 'not-live',
            reason: 'not-found',
            message: `${query} is not in the cluster, and no Kustomization or HelmRelease lists it in its inventory: never applied, or pruned after it left the source`,
          }
        : {
            state: 'unknown',
            reason: 'not-managed',
            message: `${query} is not managed by Flux: no kustomize.toolkit.fluxcd.io or helm.toolkit.fluxcd.io labels on it or its owners, and no inventory lists it`,
          };
    if (object.chain.length > 0)
      report.paths.push({ target: query, hops: objectHops.reverse(), verdict: report.verdict });
    return report;
  }
  const path = pathFor(manager, undefined, index, git, options.now, objectHops.reverse());
  if (object.chain.length === 0) {
    path.verdict = {
      state: 'not-live',
      reason: 'not-found',
      message: `${query} is in ${label(manager)}'s inventory but not in the cluster: deleted by hand? ${label(manager)} recreates it at its next reconciliation${interval(manager) ? ` (every ${interval(manager)})` : ''}`,
      at: label(manager),
    };
  } else if (path.verdict.state === 'live') {
    path.verdict.message = `${query} is live: ${path.verdict.message}, the source's current revision`;
  } else {
    const held = heldRevision(manager);
    path.verdict.message += `. ${query} stays as ${label(manager)} last applied it (${shortRevision(held)})`;
  }
  report.paths.push(path);
  report.verdict = path.verdict;
  return report;
}

/** `--all`: every Flux object that is stuck, behind its source, suspended or failing, oldest first. */
export function traceAll(state: FluxState, options: TraceOptions): TraceReport {
  const git = options.git ?? EXACT_ONLY;
  const index = new FluxIndex(state.objects);
  const paths: TracePath[] = [];
  for (const o of [...index.kustomizations, ...index.helmReleases]) {
    const path = pathFor(o, undefined, index, git, options.now);
    if (path.verdict.state !== 'live') paths.push(path);
  }
  for (const s of index.sources) {
    const ready = condition(s, 'Ready');
    if (suspended(s))
      paths.push({
        target: label(s),
        hops: [hopOf(s, undefined, git)],
        verdict: {
          state: 'not-live',
          reason: 'source-suspended',
          message: `${label(s)} is suspended`,
          at: label(s),
        },
      });
    else if (ready?.status === 'False')
      paths.push({ target: label(s), hops: [hopOf(s, undefined, git)], verdict: sourceFailure(s, ready) });
  }
  const time = (p: TracePath) => (p.verdict.since ? Date.parse(p.verdict.since) : Number.POSITIVE_INFINITY);
  paths.sort((a, b) => time(a) - time(b) || a.target.localeCompare(b.target));
  return {
    mode: 'all',
    query: 'all',
    paths,
    verdict: paths[0]?.verdict ?? {
      state: 'live',
      reason: 'applied',
      message: `every Kustomization and HelmRelease is ready at its source's revision (${index.kustomizations.length + index.helmReleases.length} checked)`,
    },
    notes: [],
  };
}
