/** `hindsight snapshot`, the run: what the command does once its flags are parsed (loaded on demand). */
import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { describeError } from '../../core/errors.ts';
import { readServerVersion } from '../../sources/cluster/api-server-facts.ts';
import { loadCluster, SNAPSHOT_KINDS } from '../../sources/cluster/load-cluster.ts';
import type { LoadResult } from '../../sources/manifests/load-manifests.ts';
import { snapshotMetadata } from '../../sources/snapshot/snapshot-marker.ts';
import { runClock } from '../clock.ts';
import { clusterConnection } from '../cluster-flags.ts';
import { type CliIo, EXIT, type ExitCode } from '../io.ts';
import { writeFileAtomic } from '../write-file.ts';
import type { SnapshotOptions } from './snapshot.ts';

export async function runSnapshot(opts: SnapshotOptions, io: CliIo): Promise<ExitCode> {
  const connection = { env: io.env, ...clusterConnection(opts) };
  const loaded = await loadCluster({
    ...connection,
    kinds: SNAPSHOT_KINDS,
    onWarning: (line) => io.stderr(`warning: ${line}\n`),
  });
  for (const e of loaded.errors) io.stderr(`error: ${describeError(e)}\n`);
  const version = loaded.objects.length > 0 ? await readServerVersion(connection) : undefined;
  return writeSnapshot(loaded, opts.file, io, version);
}

/**
 * Writes the snapshot to stdout or a file. A file is written only through safe-write's
 * temporary file and rename; a run that read nothing writes nothing, and a partial one never
 * replaces an existing file: it goes beside it as NAME.partial.json.
 */
async function writeSnapshot(
  loaded: LoadResult,
  file: string | undefined,
  io: CliIo,
  serverVersion?: string,
): Promise<ExitCode> {
  const errors = loaded.errors.map(describeError);
  const source = loaded.objects[0]?.origin.source ?? '';
  if (loaded.objects.length === 0 && errors.length > 0) {
    io.stderr(`nothing was read from the cluster${file ? `; ${file} was not written` : ''}\n`);
    return EXIT.partial;
  }
  const now = runClock(io.env);
  const list = {
    apiVersion: 'v1',
    kind: 'List',
    metadata: snapshotMetadata({
      objects: loaded.objects.length,
      takenAt: now,
      source,
      errors,
      ...(serverVersion ? { serverVersion } : {}),
    }),
    items: loaded.objects.map((o) => o.object),
  };
  const text = `${JSON.stringify(list)}\n`;
  const partial = errors.length > 0;
  if (!file) {
    io.stdout(text);
    return partial ? EXIT.partial : EXIT.ok;
  }
  let target = resolve(io.cwd, file);
  let shown = file;
  if (partial && (await exists(target))) {
    target = partialName(target);
    shown = partialName(file);
    io.stderr(`the snapshot is partial: ${file} is kept as it was\n`);
  }
  await writeFileAtomic(target, text);
  io.stderr(
    `wrote ${loaded.objects.length} objects to ${shown}${partial ? ' (marked partial inside)' : ''}\n`,
  );
  return partial ? EXIT.partial : EXIT.ok;
}

function partialName(path: string): string {
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}.partial${ext || '.json'}`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
