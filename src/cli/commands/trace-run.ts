/** `hindsight trace`, the run: read Flux's objects (and the traced object), ask git, analyse, render. */
import { FLUX_KINDS, shortRevision } from '../../analyzers/gitops/flux.ts';
import { attachUnready, healthCheckTargets } from '../../analyzers/gitops/health.ts';
import {
  type CommitInfo,
  EXACT_ONLY,
  type GitFacts,
  type TraceHop,
  type TraceReport,
  traceAll,
  traceCommit,
  traceObject,
} from '../../analyzers/gitops/trace.ts';
import { describeError, UsageError } from '../../core/errors.ts';
import type { KubeObject } from '../../core/resource.ts';
import { accessOf } from '../../sources/cluster/cluster-access.ts';
import { loadKubeconfig } from '../../sources/cluster/kubeconfig.ts';
import { loadCluster } from '../../sources/cluster/load-cluster.ts';
import { readObjectChain, readObjects } from '../../sources/cluster/object-chain.ts';
import {
  GitUnavailableError,
  type LocalHistory,
  normalizeGitUrl,
  openLocalHistory,
} from '../../sources/git/local-history.ts';
import { runClock } from '../clock.ts';
import { clusterConnection } from '../cluster-flags.ts';
import { padColumns } from '../columns.ts';
import { type CliIo, EXIT, type ExitCode } from '../io.ts';
import type { TraceOptions } from './trace.ts';

type Target = { commit: string } | { type: string; name: string } | { all: true };

function parseTarget(args: string[], all: boolean | undefined, repo: LocalHistory | undefined): Target {
  if (all) {
    if (args.length > 0) throw new UsageError('trace --all takes no commit or object');
    return { all: true };
  }
  if (args.length === 0)
    throw new UsageError('trace needs a commit (3f2a9c1) or an object (deploy/api), or --all');
  if (args.length === 2) return { type: args[0] as string, name: args[1] as string };
  if (args.length > 2) throw new UsageError(`trace takes one commit or one object, not ${args.join(' ')}`);
  const arg = args[0] as string;
  const slash = arg.indexOf('/');
  if (slash > 0 && !repo?.resolve(arg)) return { type: arg.slice(0, slash), name: arg.slice(slash + 1) };
  if (/^[0-9a-f]{7,64}$/i.test(arg) || repo) return { commit: arg };
  throw new UsageError(
    `trace ${arg}: not a commit SHA (7 to 40 hex digits) nor an object (TYPE/NAME); a branch or tag needs --repo DIR`,
  );
}

export async function runTrace(args: string[], opts: TraceOptions, io: CliIo): Promise<ExitCode> {
  const now = runClock(io.env);
  let repo: LocalHistory | undefined;
  if (opts.repo) {
    try {
      repo = openLocalHistory(opts.repo, io.env);
    } catch (error) {
      if (error instanceof GitUnavailableError) throw new UsageError(error.message);
      throw error;
    }
  }
  const target = parseTarget(args, opts.all, repo);
  const connection = clusterConnection(opts);
  const onWarning = (line: string) => io.stderr(`warning: ${line}\n`);
  // Flux's objects live in their own namespaces: always read them cluster-wide.
  const { namespace, ...everywhere } = connection;
  const flux = await loadCluster({
    env: io.env,
    ...everywhere,
    kinds: FLUX_KINDS.map(([g, k]) => [g, k]),
    onWarning,
  });
  const errors = flux.errors.map(describeError);
  const objects: KubeObject[] = flux.objects.map((o) => o.object);
  const git: GitFacts = repo ?? EXACT_ONLY;
  let report: TraceReport;
  if ('all' in target) {
    report = traceAll({ objects }, { now, git });
  } else if ('commit' in target) {
    let commit: CommitInfo = { sha: target.commit.toLowerCase() };
    if (repo) {
      const resolved = repo.resolve(target.commit);
      if (!resolved) throw new UsageError(`${target.commit}: no such commit in ${opts.repo} (git fetch?)`);
      commit = resolved;
    }
    const sources = sourceFilter(opts.source, repo, objects);
    report = traceCommit({ objects }, commit, { now, git, ...(sources ? { sources: sources.refs } : {}) });
    if (sources?.note) report.notes.push(sources.note);
  } else {
    const ns = namespace ?? contextNamespace(opts, io.env);
    const read = await readObjectChain(
      { env: io.env, ...everywhere, onWarning },
      target.type,
      target.name,
      ns,
    );
    errors.push(...read.errors.map(describeError));
    if (!read.kind) {
      for (const e of errors) io.stderr(`error: ${e}\n`);
      return EXIT.partial;
    }
    report = traceObject(
      { objects },
      {
        query: {
          kind: read.kind,
          name: target.name,
          namespace: read.namespaced ? ns : '',
          ...(read.apiVersion ? { apiVersion: read.apiVersion } : {}),
        },
        chain: read.chain,
      },
      { now, git },
    );
  }
  const targets = healthCheckTargets(report, { objects });
  if (targets.size > 0) {
    const read = await readObjects({ env: io.env, ...everywhere, onWarning }, [...targets.values()].flat());
    errors.push(...read.errors.map(describeError));
    attachUnready(report, targets, read.objects);
  }
  for (const e of errors) io.stderr(`error: ${e}\n`);
  if (flux.objects.length === 0) {
    // Nothing read is never an answer: no verdict, exit 3.
    if (errors.length === 0)
      io.stderr(
        'error: no Flux objects in the cluster (are the Flux CRDs installed, and may this user list them?)\n',
      );
    return EXIT.partial;
  }
  io.stdout(opts.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
  if (report.verdict.state === 'live') return errors.length > 0 ? EXIT.partial : EXIT.ok;
  if (report.verdict.state === 'not-live') return EXIT.findings;
  return EXIT.partial;
}

/** As kubectl: without -n, the namespace the kubeconfig context names, else `default`. */
function contextNamespace(opts: TraceOptions, env: NodeJS.ProcessEnv): string {
  try {
    return (
      accessOf(loadKubeconfig({ kubeconfig: opts.kubeconfig, context: opts.context, env })).namespace ??
      'default'
    );
  } catch {
    // The read that follows reports a kubeconfig problem with the usual message.
    return 'default';
  }
}

/** `--source ns/name`, else the sources whose URL is one of the clone's remotes. */
function sourceFilter(
  flag: string | undefined,
  repo: LocalHistory | undefined,
  objects: KubeObject[],
): { refs: { kind: string; namespace: string; name: string }[]; note?: string } | undefined {
  const gitLike = objects.filter((o) =>
    ['GitRepository', 'OCIRepository', 'Bucket', 'ExternalArtifact'].includes(o.kind),
  );
  if (flag) {
    const [namespace, name] = flag.includes('/') ? flag.split('/', 2) : ['flux-system', flag];
    const found = gitLike.filter((o) => o.metadata.namespace === namespace && o.metadata.name === name);
    if (found.length === 0)
      return { refs: [{ kind: 'GitRepository', namespace: namespace ?? '', name: name ?? '' }] };
    return { refs: found.map((o) => ({ kind: o.kind, namespace: namespace ?? '', name: name ?? '' })) };
  }
  if (!repo) return undefined;
  const remotes = new Set(repo.remoteUrls().map(normalizeGitUrl));
  if (remotes.size === 0) return undefined;
  const matching = gitLike.filter((o) => {
    const url = (o.spec as { url?: unknown } | undefined)?.url;
    return typeof url === 'string' && remotes.has(normalizeGitUrl(url));
  });
  if (matching.length === 0)
    return {
      refs: gitLike.map((o) => ({
        kind: o.kind,
        namespace: o.metadata.namespace ?? '',
        name: o.metadata.name ?? '',
      })),
      note: `no GitRepository's URL is a remote of ${repo.dir}: every source traced (narrow with --source)`,
    };
  // Artifacts made from Git elsewhere (OCI, ExternalArtifact) carry their origin revision: kept.
  const derived = gitLike.filter((o) => o.kind !== 'GitRepository' && !matching.includes(o));
  return {
    refs: [...matching, ...derived].map((o) => ({
      kind: o.kind,
      namespace: o.metadata.namespace ?? '',
      name: o.metadata.name ?? '',
    })),
  };
}

function when(iso: string | undefined): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '';
}

function hopRow(h: TraceHop, commitMode: boolean): string[] {
  const name = `${h.kind}/${h.namespace ? `${h.namespace}/` : ''}${h.name}`;
  const revision =
    h.revision === undefined ? '-' : h.kind === 'HelmRelease' ? h.revision : shortRevision(h.revision);
  const row = [`  ${name}`, `${revision}${h.attempted ? ` (attempted ${shortRevision(h.attempted)})` : ''}`];
  if (commitMode)
    row.push(h.hasCommit === true ? 'yes' : h.hasCommit === false ? 'no' : h.hasCommit === null ? '?' : '');
  row.push(h.suspended ? 'suspended' : (h.ready ?? ''), when(h.since));
  return row;
}

const STATE = { live: 'LIVE', 'not-live': 'NOT LIVE', unknown: 'UNKNOWN' } as const;

function renderReport(report: TraceReport): string {
  const lines: string[] = [];
  if (report.commit)
    lines.push(
      `commit ${report.commit.sha.slice(0, 12)}${report.commit.subject ? ` "${report.commit.subject}"` : ''}${report.commit.date ? ` (${when(report.commit.date)})` : ''}`,
    );
  else if (report.mode === 'object') lines.push(report.query);
  if (report.mode === 'all') {
    if (report.paths.length === 0) lines.push(report.verdict.message);
    else
      lines.push(
        `${report.paths.length} Flux object${report.paths.length === 1 ? '' : 's'} stuck, behind or failing, oldest first:`,
      );
  } else {
    lines.push(`${STATE[report.verdict.state]}: ${report.verdict.message}`);
  }
  const commitMode = report.mode === 'commit';
  for (const path of report.paths) {
    lines.push(
      '',
      `${path.target}  ${STATE[path.verdict.state]} (${path.verdict.reason})${path.verdict.since ? ` since ${when(path.verdict.since)}` : ''}`,
    );
    const header = ['  HOP', 'REVISION'];
    if (commitMode) header.push('HAS COMMIT');
    header.push('READY', 'SINCE (UTC)');
    lines.push(padColumns([header, ...path.hops.map((h) => hopRow(h, commitMode))]));
    if (report.mode === 'all' || report.paths.length > 1 || path.verdict !== report.verdict)
      lines.push(`  → ${path.verdict.message}`);
    if (path.verdict.failingObject) lines.push(`  failing object: ${path.verdict.failingObject}`);
    if (path.verdict.commits && path.verdict.commits.length > 0) {
      lines.push('  commits since the last applied revision:');
      for (const c of path.verdict.commits)
        lines.push(
          `    ${report.commit && c.sha.startsWith(report.commit.sha.slice(0, 7)) ? '>' : ' '} ${c.sha.slice(0, 10)}  ${c.subject ?? ''}`.trimEnd(),
        );
    }
    for (const h of path.hops)
      if (h.message && h.ready === 'False' && path.verdict.at !== `${h.kind}/${h.namespace}/${h.name}`)
        lines.push(`  ${h.kind}/${h.name}: ${h.reason ?? ''} ${h.message}`.trimEnd());
  }
  for (const note of report.notes) lines.push('', `note: ${note}`);
  return `${lines.join('\n')}\n`;
}
