/**
 * Renders a Helm chart with the user's own `helm` (the version their CI deploys with) and maps
 * every rendered object back to the template file it came from, through the `# Source:`
 * comments Helm writes before each document.
 *
 * Never reaches the network and never writes into the user's chart: dependencies missing from
 * `charts/` are built only when every dependency is local (`file://`), in a temporary copy of
 * the chart; anything else is an error that names the dependency and the command to run.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { SourceError, UsageError } from '../../core/errors.ts';
import type { Origin } from '../../core/origin.ts';
import { isClusterScopedKind, type KubeObject } from '../../core/resource.ts';
import { findExecutable, runTool, type ToolLimits, ToolRunError } from '../external-tool.ts';
import type { RenderedManifest } from '../rendered-manifest.ts';
import { type ChartInfo, isLocalRepository, readChart, vendoredSubcharts } from './chart.ts';

export interface HelmEnvironment {
  /** `prod` for `values-prod.yaml`. */
  name: string;
  valuesFile: string;
}

export interface HelmRenderOptions {
  /** `-f/--values`, in order, on top of the chart's values.yaml. */
  valuesFiles?: readonly string[];
  /** `--set`, in order. */
  set?: readonly string[];
  /** Default: the chart's name. */
  releaseName?: string;
  /** The release namespace; namespaced objects without one are placed there, as `helm install -n` would. */
  namespace?: string;
  /** `--kube-version`, e.g. `1.35`, for `.Capabilities.KubeVersion` and `kubeVersion` constraints. */
  kubeVersion?: string;
  /** One render per environment, its values file last; none: one render. */
  environments?: readonly HelmEnvironment[];
  limits?: Partial<ToolLimits>;
}

export interface ChartRender {
  renders: RenderedManifest[];
  notes: string[];
  errors: SourceError[];
}

export const HELM_MISSING =
  'helm is not on PATH: install Helm 3.8+ or 4 (https://helm.sh/docs/intro/install/) or render yourself: helm template CHART | hindsight scan -';

/** Renders the chart in `dir` once (or once per environment). `env` is the tools' environment (PATH). */
export async function renderChart(
  dir: string,
  options: HelmRenderOptions,
  env: NodeJS.ProcessEnv,
): Promise<ChartRender> {
  const out: ChartRender = { renders: [], notes: [], errors: [] };
  let chart: ChartInfo;
  try {
    chart = await readChart(dir);
  } catch (error) {
    if (error instanceof SourceError) {
      out.errors.push(error);
      return out;
    }
    throw error;
  }
  if (chart.type === 'library') {
    out.notes.push(`${dir}: library chart: scanned through the charts that use it`);
    return out;
  }
  const helm = findExecutable('helm', env);
  if (!helm) throw new UsageError(`${dir} is a Helm chart and ${HELM_MISSING}`);

  const subcharts = await vendoredSubcharts(dir);
  const missing = chart.dependencies.filter((d) => !subcharts.has(d.name));
  let renderDir = dir;
  let workdir: string | undefined;
  try {
    if (missing.length > 0) {
      const remote = chart.dependencies.filter((d) => !isLocalRepository(d.repository));
      if (remote.length > 0) {
        const names = missing.map(
          (d) => `${d.name}${d.version ? ` ${d.version}` : ''}${d.repository ? ` (${d.repository})` : ''}`,
        );
        out.errors.push(
          new SourceError(
            dir,
            `dependenc${missing.length === 1 ? 'y' : 'ies'} ${names.join(', ')} not in ${join(dir, 'charts')}/; hindsight does not download charts: run helm dependency build ${dir}`,
          ),
        );
        return out;
      }
      // Every dependency is local: build them, but in a copy, so the user's chart is left as it is.
      workdir = await mkdtemp(join(tmpdir(), 'hindsight-helm-'));
      renderDir = join(workdir, basename(resolve(dir)));
      await copyChartWithAbsoluteDependencies(dir, renderDir);
      for (const d of chart.dependencies) {
        if (!subcharts.has(d.name) && d.repository)
          subcharts.set(d.name, localRepositoryPath(dir, d.repository));
      }
      try {
        await runTool(helm, ['dependency', 'build', renderDir, '--skip-refresh'], {
          env,
          limits: options.limits ?? {},
        });
      } catch (error) {
        if (!(error instanceof ToolRunError)) throw error;
        out.errors.push(
          new SourceError(dir, `helm dependency build (in a temporary copy) failed: ${error.detail}`, {
            cause: error,
          }),
        );
        return out;
      }
    }

    const environments: (HelmEnvironment | undefined)[] =
      options.environments && options.environments.length > 0 ? [...options.environments] : [undefined];
    for (const environment of environments) {
      const releaseName = options.releaseName ?? chart.name;
      const flags = [
        ...(options.valuesFiles ?? []).flatMap((f) => ['-f', f]),
        ...(environment ? ['-f', environment.valuesFile] : []),
        ...(options.set ?? []).flatMap((s) => ['--set', s]),
        ...(options.namespace ? ['--namespace', options.namespace] : []),
        ...(options.kubeVersion ? ['--kube-version', options.kubeVersion] : []),
      ];
      // Test hooks (`helm test` pods) never run in production; other hooks (migrations) do.
      const args = ['template', releaseName, renderDir, '--skip-tests', ...flags];
      const command = ['helm', 'template', releaseName, dir, ...flags].join(' ');
      let stdout: string;
      try {
        ({ stdout } = await runTool(helm, args, { env, limits: options.limits ?? {} }));
      } catch (error) {
        if (!(error instanceof ToolRunError)) throw error;
        const where = environment ? ` (environment ${environment.name})` : '';
        const detail = workdir ? error.detail.split(renderDir).join(dir) : error.detail;
        out.errors.push(new SourceError(dir, `helm template failed${where}: ${detail}`, { cause: error }));
        continue;
      }
      out.renders.push(
        chartManifest(stdout, command, chart, subcharts, options.namespace, environment?.name),
      );
    }
    return out;
  } finally {
    if (workdir) await rm(workdir, { recursive: true, force: true });
  }
}

function localRepositoryPath(chartDir: string, repository: string): string {
  const path = repository.slice('file://'.length);
  return isAbsolute(path) ? path : resolve(chartDir, path);
}

/** Copies the chart (without VCS data) and points its `file://` dependencies at absolute paths. */
async function copyChartWithAbsoluteDependencies(dir: string, target: string): Promise<void> {
  await cp(dir, target, {
    recursive: true,
    dereference: true,
    filter: (source) => !['.git', '.hg', '.svn'].includes(basename(source)),
  });
  const chartFile = join(target, 'Chart.yaml');
  // The comment-keeping YAML library loads only for charts that need this.
  const { isMap, isScalar, isSeq, parseDocument } = await import('yaml');
  const document = parseDocument(await readFile(chartFile, 'utf8'));
  const dependencies = document.get('dependencies');
  if (isSeq(dependencies)) {
    for (const item of dependencies.items) {
      if (!isMap(item)) continue;
      const repository = item.get('repository', true);
      if (isScalar(repository) && typeof repository.value === 'string' && isLocalRepository(repository.value))
        item.set('repository', `file://${localRepositoryPath(dir, repository.value)}`);
    }
  }
  await writeFile(chartFile, document.toString());
  // A lock written for the relative paths no longer matches; without one Helm resolves afresh,
  // which for file:// dependencies reads the local directories only.
  await rm(join(target, 'Chart.lock'), { force: true });
}

const SOURCE_COMMENT = /^# Source: (.+?)\s*$/;

function chartManifest(
  text: string,
  command: string,
  chart: ChartInfo,
  subcharts: ReadonlyMap<string, string>,
  namespace: string | undefined,
  environment: string | undefined,
): RenderedManifest {
  // Lines (1-based) where a `# Source:` comment names the template of the documents below it.
  const sources: { line: number; file: string }[] = [];
  text.split('\n').forEach((line, i) => {
    const match = SOURCE_COMMENT.exec(line);
    if (match?.[1]) sources.push({ line: i + 1, file: templateFile(match[1], chart, subcharts) });
  });
  const fileAt = (line: number): string | undefined => {
    let found: string | undefined;
    for (const s of sources) {
      if (s.line > line) break;
      found = s.file;
    }
    return found;
  };
  return {
    text,
    command,
    input: chart.dir,
    fileAt,
    place(object: KubeObject, line: number | undefined): Promise<Origin> {
      if (namespace && object.metadata.namespace === undefined && !isClusterScopedKind(object.kind))
        object.metadata.namespace = namespace;
      const origin: Origin = {
        source: (line !== undefined ? fileAt(line) : undefined) ?? join(chart.dir, 'templates'),
        rendered: command,
        ...(environment ? { environment } : {}),
      };
      return Promise.resolve(origin);
    },
  };
}

/**
 * `api/templates/deployment.yaml` → `charts/api/templates/deployment.yaml` (the chart as the
 * user named it); a subchart's templates map into its directory in `charts/`, its `.tgz`, or
 * the local directory of a `file://` dependency.
 */
function templateFile(helmPath: string, chart: ChartInfo, subcharts: ReadonlyMap<string, string>): string {
  const prefix = `${chart.name}/`;
  const inChart = helmPath.startsWith(prefix) ? helmPath.slice(prefix.length) : helmPath;
  const sub = /^charts\/([^/]+)\/(.*)$/.exec(inChart);
  if (sub?.[1] && sub[2] !== undefined) {
    const location = subcharts.get(sub[1]);
    if (location?.endsWith('.tgz')) return location;
    if (location) return join(displayPath(location), sub[2]);
  }
  return join(chart.dir, inChart);
}

function displayPath(path: string): string {
  if (!isAbsolute(path)) return path;
  const fromHere = relative(process.cwd(), path);
  return fromHere.startsWith('..') || isAbsolute(fromHere) ? path : fromHere;
}
