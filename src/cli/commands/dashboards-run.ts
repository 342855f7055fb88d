/** `hindsight dashboards generate`, the run (loaded on demand). */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { dump } from 'js-yaml';
import { parseDuration } from '../../analyzers/certs/duration.ts';
import { dashboardConfigMaps, generateDashboards } from '../../analyzers/dashboards/generate.ts';
import { MATCH_ALL } from '../../analyzers/dashboards/model.ts';
import { dashboardRangeMs, previewDashboard, previewSummary } from '../../analyzers/dashboards/preview.ts';
import { UsageError } from '../../core/errors.ts';
import { renderDashboardPreview } from '../../reporters/grafana-preview.ts';
import { runClock } from '../clock.ts';
import { type CliIo, EXIT, type ExitCode } from '../io.ts';
import { prometheusClientFor } from '../prometheus-client.ts';
import { prometheusLimits, prometheusUrl } from '../prometheus-flags.ts';
import { writeFileAtomic } from '../write-file.ts';
import type { DashboardsGenerateOptions, DashboardsPreviewOptions } from './dashboards.ts';

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

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `--var name=value`, each checked; the dashboards' own variables default to All (`.*`). */
function previewVariables(vars: readonly string[]): Record<string, string> {
  const out: Record<string, string> = { ...MATCH_ALL };
  for (const entry of vars) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(entry);
    if (!match) throw new UsageError(`--var ${entry}: expected name=value, like namespace=payments`);
    out[match[1] as string] = match[2] as string;
  }
  return out;
}

export async function runDashboardsPreview(opts: DashboardsPreviewOptions, io: CliIo): Promise<ExitCode> {
  const url = prometheusUrl(opts, io);
  if (!url) throw new UsageError('dashboards preview needs --prometheus <url> (or HINDSIGHT_PROMETHEUS_URL)');
  const limits = prometheusLimits(opts);
  const variables = previewVariables(opts.var);
  const rangeMs = opts.range === undefined ? undefined : parseDuration(opts.range);
  if (opts.range !== undefined && !rangeMs)
    throw new UsageError(`--range ${opts.range}: expected a duration like 24h or 7d`);
  const end = opts.end ? new Date(opts.end) : runClock(io.env);
  if (Number.isNaN(end.getTime())) throw new UsageError(`--end ${opts.end}: expected an RFC 3339 time`);
  const dir = resolve(io.cwd, opts.output);
  await mkdir(dir, { recursive: true });
  const client = prometheusClientFor(url, opts, io, limits);
  const index: string[] = [];
  let failed = 0;
  let answered = 0;
  try {
    // One query first: an unreachable Prometheus is one error, not one per panel.
    try {
      await client.query('1', end);
    } catch (error) {
      io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT.partial;
    }
    for (const { dashboard } of generateDashboards({ teamLabel: opts.teamLabel })) {
      const preview = await previewDashboard(dashboard, client, {
        end,
        rangeSeconds: Math.round((rangeMs ?? dashboardRangeMs(dashboard)) / 1000),
        variables,
      });
      const file = `${dashboard.uid}.html`;
      await writeFileAtomic(join(dir, file), renderDashboardPreview(preview));
      const summary = previewSummary(preview);
      failed += summary.failed;
      answered += summary.data + summary.empty;
      const line = `${dashboard.title}: ${summary.data} panels with data, ${summary.empty} without, ${summary.failed} failed`;
      io.stderr(`${line}\n`);
      index.push(
        `<li><a href="${esc(file)}">${esc(String(dashboard.title))}</a> — ${esc(line.slice(line.indexOf(':') + 2))}</li>`,
      );
      for (const { panel, targets } of preview.panels)
        for (const t of targets) if (t.error) io.stderr(`  ${panel.title} [${t.refId}]: ${t.error}\n`);
    }
  } finally {
    client.close();
  }
  await writeFileAtomic(
    join(dir, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>hindsight dashboards preview</title></head><body><h1>hindsight dashboards preview</h1><p>${esc(url)}, ending ${esc(end.toISOString())}</p><ul>${index.join('')}</ul></body></html>\n`,
  );
  io.stderr(`wrote ${index.length + 1} pages to ${dir}\n`);
  if (answered === 0) return EXIT.partial;
  return failed > 0 ? EXIT.partial : EXIT.ok;
}
