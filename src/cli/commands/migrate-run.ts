/** `hindsight migrate plan|verify`, the runs: read each side (a context or a snapshot), analyse, render. */
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type MigrationPlan, planMigration } from '../../analyzers/migrate/plan.ts';
import { type VerifyReport, verifyMigration } from '../../analyzers/migrate/verify.ts';
import { describeError, UsageError } from '../../core/errors.ts';
import { isClusterScopedKind } from '../../core/resource.ts';
import { parseMinor } from '../../data/deprecated-apis.ts';
import { buildInventory, type Inventory } from '../../inventory/inventory.ts';
import { readServerVersion } from '../../sources/cluster/api-server-facts.ts';
import { loadCluster, SNAPSHOT_KINDS } from '../../sources/cluster/load-cluster.ts';
import {
  type LoadResult,
  loadManifests,
  type SourcedObject,
} from '../../sources/manifests/load-manifests.ts';
import { snapshotServerVersion } from '../../sources/snapshot/snapshot-marker.ts';
import { runClock } from '../clock.ts';
import { clusterConnection, parseTimeout } from '../cluster-flags.ts';
import { type CliIo, EXIT, type ExitCode } from '../io.ts';
import type { MigratePlanOptions, MigrateSides, MigrateVerifyOptions } from './migrate.ts';
import { renderPlan, renderVerify } from './migrate-render.ts';

interface Side {
  name: string;
  inventory: Inventory;
  version?: string;
  /** Objects read; zero with errors means nothing was read. */
  objects: number;
  /** What could not be read, each naming where (the file; the context and its server). */
  errors: string[];
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The first bytes of a file: a snapshot's List metadata is there. */
async function head(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(16_384);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await file.close();
  }
}

/**
 * Manifests that name no namespace go where `kubectl apply` without `-n` puts them: `default`.
 * Said once, since a plan of them otherwise has nothing to move.
 */
function defaultNamespace(objects: SourcedObject[], value: string, io: CliIo): void {
  let n = 0;
  for (const { object } of objects)
    if (!isClusterScopedKind(object.kind) && !object.metadata.namespace && object.kind !== 'List') {
      object.metadata.namespace = 'default';
      n++;
    }
  if (n > 0)
    io.stderr(
      `note: ${value}: ${n} objects name no namespace: read as in namespace default, as kubectl apply without -n puts them\n`,
    );
}

function side(value: string, loaded: LoadResult, version: string | undefined): Side {
  return {
    name: value,
    inventory: buildInventory(loaded.objects),
    ...(version ? { version } : {}),
    objects: loaded.objects.length,
    errors: loaded.errors.map(describeError),
  };
}

async function readSnapshotSide(value: string, path: string, io: CliIo): Promise<Side> {
  const loaded = await loadManifests([path], { env: io.env, stdin: io.stdin, renderedInputs: 'render' });
  defaultNamespace(loaded.objects, value, io);
  const version = (await stat(path)).isFile() ? snapshotServerVersion(await head(path)) : undefined;
  return side(value, loaded, version);
}

async function readLiveSide(value: string, sides: MigrateSides, io: CliIo): Promise<Side> {
  // The whole cluster, whatever -n says: a namespace's dependencies live outside it.
  const connection = clusterConnection({
    context: value,
    ...(sides.kubeconfig ? { kubeconfig: sides.kubeconfig } : {}),
    ...(sides.requestTimeout ? { requestTimeout: sides.requestTimeout } : {}),
    ...(sides.execTimeout ? { execTimeout: sides.execTimeout } : {}),
  });
  const options = { env: io.env, ...connection };
  const loaded = await loadCluster({
    ...options,
    kinds: SNAPSHOT_KINDS,
    onWarning: (line) => io.stderr(`warning: ${value}: ${line}\n`),
  });
  return side(value, loaded, loaded.objects.length > 0 ? await readServerVersion(options) : undefined);
}

/** One side: a snapshot (or manifests: a file or directory) when `value` names one, else a kubeconfig context. */
async function readSide(value: string, sides: MigrateSides, io: CliIo): Promise<Side> {
  const path = resolve(io.cwd, value);
  if (await exists(path)) return readSnapshotSide(value, path, io);
  // A context name (even an EKS ARN, which has a slash) does not end in a file extension.
  if (/\.(json|ya?ml)$/i.test(value))
    throw new UsageError(
      `${value}: no such file or directory (a snapshot or manifests), and not a context name`,
    );
  return readLiveSide(value, sides, io);
}

/** Reads both sides; undefined (after saying why) when one of them read nothing. */
async function readSides(sides: MigrateSides, io: CliIo): Promise<{ from: Side; to?: Side } | undefined> {
  const [from, to] = await Promise.all([
    readSide(sides.from, sides, io),
    sides.to !== undefined ? readSide(sides.to, sides, io) : Promise.resolve(undefined),
  ]);
  for (const side of [from, to]) for (const e of side?.errors ?? []) io.stderr(`error: ${e}\n`);
  for (const side of [from, to])
    if (side && side.objects === 0) {
      io.stderr(`nothing was read from ${side.name}: no verdict\n`);
      return undefined;
    }
  return { from, ...(to ? { to } : {}) };
}

function partial(sides: { from: Side; to?: Side }): boolean {
  return sides.from.errors.length > 0 || (sides.to?.errors.length ?? 0) > 0;
}

export async function runMigratePlan(opts: MigratePlanOptions, io: CliIo): Promise<ExitCode> {
  const fallbackDays = Number(opts.fallbackDays);
  if (!Number.isInteger(fallbackDays) || fallbackDays < 0)
    throw new UsageError(`--fallback-days ${opts.fallbackDays}: expected a whole number of days`);
  if (opts.targetVersion !== undefined && !parseMinor(opts.targetVersion))
    throw new UsageError(`--target-version ${opts.targetVersion}: expected a Kubernetes release like 1.33`);
  const sides = await readSides(opts, io);
  if (!sides) return EXIT.partial;
  const targetVersion = opts.targetVersion ?? sides.to?.version;
  const plan: MigrationPlan = planMigration({
    source: sides.from.inventory,
    sourceName: sides.from.name,
    ...(sides.to ? { target: sides.to.inventory, targetName: sides.to.name } : {}),
    ...(targetVersion ? { targetVersion } : {}),
    ...(opts.namespace.length > 0 ? { namespaces: opts.namespace } : {}),
    fallbackDays,
    now: runClock(io.env),
  });
  io.stdout(opts.output === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan(plan));
  if (partial(sides)) return EXIT.partial;
  return plan.verdict === 'blocked' ? EXIT.findings : EXIT.ok;
}

function durationFlag(flag: string, text: string): number {
  const ms = parseTimeout(text);
  if (ms === undefined) throw new UsageError(`${flag} ${text}: expected a duration such as 30s or 5m`);
  return ms;
}

async function verifyOnce(opts: MigrateVerifyOptions, io: CliIo) {
  const sides = await readSides(opts, io);
  if (!sides?.to) return undefined;
  const report: VerifyReport = verifyMigration({
    from: sides.from.inventory,
    to: sides.to.inventory,
    ...(opts.namespace.length > 0 ? { namespaces: opts.namespace } : {}),
    now: runClock(io.env),
  });
  return { report, partial: partial(sides) };
}

export async function runMigrateVerify(opts: MigrateVerifyOptions, io: CliIo): Promise<ExitCode> {
  const interval = durationFlag('--interval', opts.interval);
  const timeout = durationFlag('--timeout', opts.timeout);
  if (opts.watch && interval < 1000) throw new UsageError(`--interval ${opts.interval}: at least 1s`);
  const started = Date.now();
  for (let round = 1; ; round++) {
    const result = await verifyOnce(opts, io);
    if (!result) return EXIT.partial;
    const { report } = result;
    const last = !opts.watch || report.ready || (timeout > 0 && Date.now() - started + interval > timeout);
    if (last || opts.output === 'table')
      io.stdout(
        opts.output === 'json'
          ? `${JSON.stringify(report, null, 2)}\n`
          : renderVerify(report, opts.watch ? round : undefined),
      );
    if (last) {
      if (result.partial) return EXIT.partial;
      return report.ready ? EXIT.ok : EXIT.findings;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
