/** `hindsight dashboards generate`, the run (loaded on demand). */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { dump } from 'js-yaml';
import { dashboardConfigMaps, generateDashboards } from '../../analyzers/dashboards/generate.ts';
import { UsageError } from '../../core/errors.ts';
import { type CliIo, EXIT, type ExitCode } from '../io.ts';
import { writeFileAtomic } from '../write-file.ts';
import type { DashboardsGenerateOptions } from './dashboards.ts';

/** Kubernetes label names (the part after an optional prefix): the sidecar's label must be one. */
const LABEL_NAME = /^([a-z0-9.-]+\/)?[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export async function runDashboardsGenerate(opts: DashboardsGenerateOptions, io: CliIo): Promise<ExitCode> {
  if (!LABEL_NAME.test(opts.sidecarLabel))
    throw new UsageError(
      `--sidecar-label ${opts.sidecarLabel}: expected a label name, like grafana_dashboard`,
    );
  if (!DNS_LABEL.test(opts.namespace))
    throw new UsageError(`--namespace ${opts.namespace}: expected a namespace name, like monitoring`);
  const dashboards = generateDashboards({ teamLabel: opts.teamLabel });
  const files = opts.configmaps
    ? dashboardConfigMaps(dashboards, { namespace: opts.namespace, sidecarLabel: opts.sidecarLabel }).map(
        (o) => ({ file: `${o.metadata.name}.yaml`, text: dump(o, { noRefs: true, lineWidth: -1 }) }),
      )
    : dashboards.map((d) => ({ file: d.file, text: `${JSON.stringify(d.dashboard, null, 2)}\n` }));
  if (!opts.output) {
    // One stream: a YAML stream of ConfigMaps, or the JSON models one per line (JSON Lines).
    io.stdout(
      opts.configmaps
        ? files.map((f) => f.text).join('---\n')
        : `${dashboards.map((d) => JSON.stringify(d.dashboard)).join('\n')}\n`,
    );
    return EXIT.ok;
  }
  const dir = resolve(io.cwd, opts.output);
  await mkdir(dir, { recursive: true });
  for (const f of files) await writeFileAtomic(join(dir, f.file), f.text);
  io.stderr(`wrote ${files.length} files to ${dir}: ${files.map((f) => f.file).join(', ')}\n`);
  return EXIT.ok;
}
