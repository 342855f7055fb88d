/**
 * `hindsight serve`: the cluster watched (ClusterWatch), the rules re-run after every burst of
 * changes, and the results exported for Prometheus at /metrics, with /healthz (the process is
 * up) and /readyz (every kind listed and a first evaluation done), and the findings as JSON at
 * /api/findings. Read-only: it lists and watches, nothing else.
 *
 * A burst of changes is evaluated once: the first change starts a short timer (`debounceMs`),
 * later changes join it. An evaluation runs again only the checks that read what changed
 * (IncrementalRules: the object, its owners, what selects it, its namespace, as far as the
 * checks read them) and reuses every other result; the results equal a full scan of the same
 * objects. Updates that change nothing a rule reads (resourceVersion, heartbeat times) are not
 * changes. What reads the clock (ages, stale OOM kills, a Job's running time, expiring
 * exemptions) is re-checked every `clockRefreshMs`, changes or not (the clock is a part checks
 * read, CLOCK_PART); every `fullEvaluationMs` the inventory is rebuilt from the watch and every
 * check runs again, a safety net. Its cost at scale is measured in docs/BENCHMARKS.md.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CostReport } from '../analyzers/cost/cost-report.ts';
import { CATALOG_BY_ID } from '../cli/catalog.ts';
import { UsageError } from '../core/errors.ts';
import type { Finding } from '../core/finding.ts';
import { LESSONS } from '../core/lesson.ts';
import { asRecord } from '../core/records.ts';
import { type KubeObject, type ResourceRef, refKey, refOf } from '../core/resource.ts';
import { IncrementalRules } from '../engine/incremental.ts';
import { CLOCK_PART } from '../engine/run-rules.ts';
import { buildInventory, type Inventory, partsOfChange } from '../inventory/inventory.ts';
import { type DashboardCertificate, type DashboardState, renderDashboard } from '../reporters/dashboard.ts';
import { buildPolicyReports, POLICY_REPORT_NAME } from '../reporters/policy-report.ts';
import { ALL_RULES } from '../rules/registry.ts';
import { ClusterWatch, type WatchOptions } from '../sources/cluster/watch-cluster.ts';
import { Trend } from './trend.ts';

export interface ServeOptions {
  watch: WatchOptions;
  /** Where to listen: host and port (port 0: any free one). */
  host: string;
  port: number;
  /** Quiet time after a change before evaluating (default 500 ms). */
  debounceMs?: number;
  /** Every rule on every object again this often, changes or not (default 1 h). */
  fullEvaluationMs?: number;
  /** The checks that read the clock again this often, changes or not (default 1 min). */
  clockRefreshMs?: number;
  /** The `cluster` label on every series, for federation and Thanos across clusters. */
  cluster?: string;
  /** Label keys naming a team, tried on the object, then its namespace. */
  teamLabels?: readonly string[];
  version: string;
  /** Certificates are read again this often (default 10 min), and after changes to what holds them. */
  certsIntervalMs?: number;
  /** Prometheus for cost and right-sizing (every `costIntervalMs`, default 6 h); none: no cost. */
  prometheus?: { url: string; bearerToken?: string; timeoutMs?: number };
  costIntervalMs?: number;
  /** Usage history read for right-sizing (default 14 days). */
  costWindowMs?: number;
  /** When set, the dashboard and /api ask for `Authorization: Bearer <token>` (/metrics and health do not). */
  token?: string;
  /** Write the findings as PolicyReports (the one write `serve` makes, only when asked). */
  policyReports?: boolean;
  /** Probe the API server's own serving certificate (default true). */
  probeApiServer?: boolean;
  now?: () => Date;
  log?: (line: string) => void;
}

const DEFAULT_TEAM_LABELS = ['team', 'app.kubernetes.io/part-of'];
/** Kinds that hold certificates: a change to one reads the certificates again. */
const CERT_HOLDERS = new Set([
  'Secret',
  'ConfigMap',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
  'CustomResourceDefinition',
  'Certificate',
]);

/** Fields no check reads: the resourceVersion, field managers, the kubelet's heartbeat and probe times. */
const BOOKKEEPING = new Set(['resourceVersion', 'managedFields', 'lastHeartbeatTime', 'lastProbeTime']);

/** Deep equality of two JSON values, key order ignored, bookkeeping fields skipped. */
function sameBut(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((v, i) => sameBut(v, other[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let counted = 0;
  for (const key of Object.keys(left)) {
    if (BOOKKEEPING.has(key) || left[key] === undefined) continue;
    counted++;
    if (!sameBut(left[key], right[key])) return false;
  }
  for (const key of Object.keys(right)) if (!BOOKKEEPING.has(key) && right[key] !== undefined) counted--;
  return counted === 0;
}

/**
 * Whether an update changed nothing but bookkeeping no check reads: the resourceVersion, the
 * field managers, the kubelet's heartbeat and probe times (a Node reports every few minutes).
 * Key order is ignored: a listed object and the same object from the watch may differ in it.
 */
export function onlyBookkeeping(before: KubeObject, after: KubeObject): boolean {
  return sameBut(before, after);
}

type CostGauges = Record<
  | 'nodes'
  | 'idle'
  | 'namespace'
  | 'team'
  | 'plan'
  | 'spotSavings'
  | 'rightsizingSavings'
  | 'requested'
  | 'recommended'
  | 'lastRun'
  | 'partial',
  Gauge<string>
>;

/** The gauges of the last cost and right-sizing run. */
function costGauges(registers: Registry[]): CostGauges {
  const costGauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers });
  return {
    nodes: costGauge('hindsight_cost_nodes_monthly_usd', 'What the nodes cost per month now, at list prices'),
    idle: costGauge('hindsight_cost_idle_monthly_usd', 'Node cost no pod requests or uses, per month'),
    namespace: costGauge(
      'hindsight_cost_namespace_monthly_usd',
      'Cost allocated to a namespace per month (max of request and usage)',
      ['namespace'],
    ),
    team: costGauge('hindsight_cost_team_monthly_usd', 'Cost allocated to a team per month', ['team']),
    plan: costGauge(
      'hindsight_cost_plan_monthly_usd',
      'The planned node mix (right-sized, with spot) per month',
    ),
    spotSavings: costGauge(
      'hindsight_cost_spot_savings_monthly_usd',
      'Moving the spot-safe workloads now on on-demand to spot saves this per month',
    ),
    rightsizingSavings: costGauge(
      'hindsight_rightsizing_savings_monthly_usd',
      'Right-sized requests save this per month',
    ),
    requested: costGauge('hindsight_rightsizing_requested', 'A container request now (cores or bytes)', [
      'namespace',
      'workload_kind',
      'workload',
      'container',
      'resource',
    ]),
    recommended: costGauge(
      'hindsight_rightsizing_recommended',
      'The request hindsight recommends from usage history (cores or bytes)',
      ['namespace', 'workload_kind', 'workload', 'container', 'resource'],
    ),
    lastRun: costGauge(
      'hindsight_cost_last_run_timestamp_seconds',
      'Unix time cost and right-sizing last ran',
    ),
    partial: costGauge(
      'hindsight_cost_partial',
      '1 when the last cost run was partial (Prometheus gaps or errors)',
    ),
  };
}

/** The three rules that ran the most checks, for the slow-evaluation note. */
function mostRun(byRule: ReadonlyMap<string, number>): string {
  return (
    [...byRule]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([rule, n]) => `${rule} ${n}`)
      .join(', ') || 'none'
  );
}

export class HindsightServer {
  readonly registry = new Registry();
  private readonly watch: ClusterWatch;
  private readonly http: Server;
  private readonly options: ServeOptions;
  private readonly log: (line: string) => void;
  private timer: NodeJS.Timeout | undefined;
  /** Receipt times of the changes the next evaluation will cover. */
  private pendingSince: number[] = [];
  /** Parts of the inventory changed since the last evaluation (see Inventory Reads). */
  private pendingParts = new Set<string>();
  /**
   * The inventory evaluations read, kept current in place between full evaluations: each
   * object's latest state since the last evaluation (null: deleted), applied at the next one.
   */
  private inventory: Inventory | undefined;
  private pendingObjects = new Map<string, { ref: ResourceRef; object: KubeObject | null }>();
  private readonly engine = new IncrementalRules({ rules: ALL_RULES });
  private lastFullEvaluation = 0;
  /** When the checks that read the clock last ran with it (see CLOCK_PART). */
  private lastClock = 0;
  private get fullEvaluationMs(): number {
    return this.options.fullEvaluationMs ?? 3_600_000;
  }
  private get clockRefreshMs(): number {
    return this.options.clockRefreshMs ?? 60_000;
  }
  private fullTimer: NodeJS.Timeout | undefined;
  private evaluating: Promise<void> | undefined;
  private ready = false;
  private stopped = false;
  private startTimer: NodeJS.Timeout | undefined;
  /** Every kind listed: changes from here on are evaluated. */
  private synced = false;
  private findings: Finding[] = [];
  private certFindings: Finding[] = [];
  /** The x509-certificate-exporter-shaped series of the last certificate read. */
  private certMetrics = '';
  private certificates: DashboardCertificate[] = [];
  private costTimer: NodeJS.Timeout | undefined;
  private costPublished = false;
  private costRunning: Promise<void> | undefined;
  private costReport: CostReport | undefined;
  private certificatesReadAt: Date | undefined;
  private certTimer: NodeJS.Timeout | undefined;
  private certDebounce: NodeJS.Timeout | undefined;
  private certsRunning: Promise<void> | undefined;
  private lastEvaluation: Date | undefined;
  private lastInventory: Inventory | undefined;
  private lastScore = 100;
  /** What each namespace's PolicyReport holds now (JSON of its results), to write only changes. */
  private readonly writtenReports = new Map<string, string>();
  private reporting: Promise<void> | undefined;

  private readonly findingsGauge: Gauge<string>;
  private readonly objectsGauge: Gauge<string>;
  private readonly scoreGauge: Gauge<string>;
  private readonly trend = new Trend();
  private readonly evaluations: Counter<string>;
  private readonly evaluationSeconds: Histogram<string>;
  private readonly checks: Counter<string>;
  private readonly changeSeconds: Histogram<string>;
  private readonly lastEvaluationGauge: Gauge<string>;
  private readonly certsReadGauge: Gauge<string>;
  private readonly certErrorsGauge: Gauge<string>;
  private readonly reportWrites: Counter<string>;
  private readonly cost: CostGauges;

  constructor(options: ServeOptions) {
    this.options = options;
    this.log = options.log ?? (() => {});
    if (options.cluster) this.registry.setDefaultLabels({ cluster: options.cluster });
    const registers = [this.registry];
    new Gauge({
      name: 'hindsight_build_info',
      help: 'hindsight build: 1, with the version and the Node.js version as labels',
      labelNames: ['version', 'node'],
      registers,
    }).set({ version: options.version, node: process.versions.node }, 1);
    this.findingsGauge = new Gauge({
      name: 'hindsight_findings',
      help: 'Current findings, by rule, severity, category, lesson, namespace, team and kind',
      labelNames: ['rule', 'severity', 'category', 'lesson', 'namespace', 'team', 'kind'],
      registers,
    });
    this.objectsGauge = new Gauge({
      name: 'hindsight_objects',
      help: 'Objects hindsight keeps from the cluster, by kind',
      labelNames: ['kind'],
      registers,
    });
    this.scoreGauge = new Gauge({
      name: 'hindsight_score',
      help: 'The score of the last evaluation, 0 to 100, as hindsight scan reports it',
      registers,
    });
    this.evaluations = new Counter({
      name: 'hindsight_evaluations_total',
      help: 'Evaluations of the rules over the current inventory',
      registers,
    });
    this.checks = new Counter({
      name: 'hindsight_rule_checks_total',
      help: 'Checks of one rule on one object: run, or reused because nothing they read changed',
      labelNames: ['result'],
      registers,
    });
    this.evaluationSeconds = new Histogram({
      name: 'hindsight_evaluation_duration_seconds',
      help: 'Time to run every rule over the current inventory',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.changeSeconds = new Histogram({
      name: 'hindsight_change_to_evaluation_seconds',
      help: 'From a change arriving on a watch to the evaluation that includes it being exported',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    });
    this.certsReadGauge = new Gauge({
      name: 'hindsight_certificates_last_read_timestamp_seconds',
      help: 'Unix time certificates were last read from the cluster (x509_* series are from then)',
      registers,
    });
    this.certErrorsGauge = new Gauge({
      name: 'hindsight_certificates_read_errors',
      help: 'Errors of the last certificate read (a kind not allowed, an unreadable Secret): 0 when complete',
      registers,
    });
    // Registered by the first cost run: before it, a zero would read as nodes costing $0.
    this.cost = costGauges([]);
    this.reportWrites = new Counter({
      name: 'hindsight_policy_report_writes_total',
      help: 'PolicyReports written (--policy-reports), by result',
      labelNames: ['result'],
      registers,
    });
    this.lastEvaluationGauge = new Gauge({
      name: 'hindsight_last_evaluation_timestamp_seconds',
      help: 'Unix time of the last completed evaluation',
      registers,
    });
    this.registerWatchMetrics(registers);

    // The kubeconfig is read in a child process: client-node never loads into the server (ADR 0025).
    this.watch = new ClusterWatch(
      { isolateKubeconfig: true, ...options.watch },
      {
        onChange: (type, object, at, before) => {
          const ref = refOf(object);
          this.pendingObjects.set(refKey(ref), { ref, object: type === 'DELETED' ? null : object });
          if (type === 'MODIFIED' && before && onlyBookkeeping(before, object)) return;
          const after = type === 'DELETED' ? undefined : object;
          for (const part of partsOfChange(type === 'DELETED' ? object : before, after))
            this.pendingParts.add(part);
          this.changed(at);
          if (CERT_HOLDERS.has(object.kind)) this.certsChanged();
        },
        onError: (kind, message) => this.log(`warning: ${kind}: ${message}`),
        onRelist: (kind) => this.log(`note: ${kind}: watch fell behind; listed again`),
      },
    );
    this.http = createServer((req, res) => {
      void this.handle(req, res);
    });
  }

  /** Watch counters and the readiness gauges, read from the watch when /metrics is scraped. */
  private registerWatchMetrics(registers: Registry[]): void {
    const watchStats = (name: string, help: string, pick: (w: ClusterWatch) => Map<string, number>) =>
      new Counter({
        name,
        help,
        labelNames: ['kind'],
        registers,
        collect: () => {
          const counter = this.registry.getSingleMetric(name) as Counter<string>;
          counter.reset();
          for (const [kind, n] of pick(this.watch)) counter.inc({ kind }, n);
        },
      });
    watchStats(
      'hindsight_watch_events_total',
      'Changes received on the watches, by kind',
      (w) => w.stats.events,
    );
    watchStats(
      'hindsight_watch_errors_total',
      'Watch or list failures (retried with backoff), by kind',
      (w) => w.stats.errors,
    );
    watchStats(
      'hindsight_watch_relists_total',
      'Lists again after a watch fell behind (410 Gone), by kind',
      (w) => w.stats.relists,
    );
    new Gauge({
      name: 'hindsight_kinds_forbidden',
      help: 'Kinds the credentials may not list: results are partial while this is above 0',
      registers,
      collect: () => {
        (this.registry.getSingleMetric('hindsight_kinds_forbidden') as Gauge<string>).set(
          this.watch.forbidden.size,
        );
      },
    });
    new Gauge({
      name: 'hindsight_ready',
      help: '1 once every kind was listed and the first evaluation was exported',
      registers,
      collect: () => {
        (this.registry.getSingleMetric('hindsight_ready') as Gauge<string>).set(this.ready ? 1 : 0);
      },
    });
  }

  /** Starts listening at once (health answers during the initial list), then lists and watches. */
  async start(): Promise<{ url: string }> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new UsageError(
            `cannot listen on ${this.options.host}:${this.options.port}: ${error.code === 'EADDRINUSE' ? 'the address is in use (another hindsight serve?); choose another with --listen' : error.message}`,
          ),
        ),
      );
      this.http.listen(this.options.port, this.options.host, () => resolve());
    });
    const address = this.http.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    this.log(`listening on ${url} (dashboard at /, /metrics, /healthz, /readyz, /api/findings)`);
    // Until the API server answers discovery (it may be starting too), try again every 5 s.
    const begin = (): void => {
      void this.watch.start().then(
        async () => {
          this.synced = true;
          await Promise.all([this.evaluate([]), this.readCertificates()]);
          // Each tick evaluates: the clock's checks when their refresh is due, everything when
          // the full evaluation is; nothing else when neither is (evaluate decides).
          const tick = Math.min(this.clockRefreshMs, this.fullEvaluationMs);
          this.fullTimer = setInterval(() => {
            const now = Date.now();
            if (
              now - this.lastClock < this.clockRefreshMs &&
              now - this.lastFullEvaluation < this.fullEvaluationMs
            )
              return;
            this.evaluating = (this.evaluating ?? Promise.resolve()).then(() => this.evaluate([]));
          }, tick);
          this.fullTimer.unref();
          if (this.options.prometheus) void this.runCost();
          this.ready = true;
          const r = this.watch.readiness;
          this.log(
            `ready: ${r.synced} of ${r.kinds} kinds listed${this.watch.forbidden.size > 0 ? `, ${this.watch.forbidden.size} not allowed (partial)` : ''}`,
          );
        },
        (error: unknown) => {
          this.log(`error: ${error instanceof Error ? error.message : String(error)}; trying again in 5 s`);
          if (!this.stopped) this.startTimer = setTimeout(begin, 5000);
        },
      );
    };
    begin();
    return { url };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.startTimer);
    clearTimeout(this.timer);
    clearTimeout(this.certTimer);
    clearTimeout(this.certDebounce);
    clearTimeout(this.costTimer);
    clearInterval(this.fullTimer);
    await this.costRunning;
    await this.certsRunning;
    await this.reporting;
    this.watch.stop();
    await this.evaluating;
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  /** Cost and right-sizing from Prometheus, as `hindsight cost` computes them, on a schedule. */
  private runCost(): Promise<void> {
    if (this.costRunning) return this.costRunning;
    clearTimeout(this.costTimer);
    this.costRunning = (async () => {
      const prometheus = this.options.prometheus;
      if (!prometheus) return;
      const { analyzeCost } = await import('../analyzers/cost/cost-analysis.ts');
      const { loadPriceBook } = await import('../analyzers/cost/prices.ts');
      const { createPrometheusClient } = await import('../sources/prometheus/client.ts');
      const client = createPrometheusClient({
        url: prometheus.url,
        timeoutMs: prometheus.timeoutMs ?? 60_000,
        totalTimeoutMs: prometheus.timeoutMs ?? 60_000,
        ...(prometheus.bearerToken ? { bearerToken: prometheus.bearerToken } : {}),
      });
      try {
        const now = this.options.now?.() ?? new Date();
        const analysis = await analyzeCost({
          objects: this.watch.objects().map((object) => ({ object, origin: { source: this.watch.source } })),
          readErrors: [...this.watch.forbidden].map((kind) => `not allowed to list ${kind}`),
          live: true,
          target: this.watch.source,
          book: loadPriceBook(),
          now,
          window: {
            start: new Date(now.getTime() - (this.options.costWindowMs ?? 14 * 86_400_000)),
            end: now,
          },
          ...(this.options.teamLabels ? { teamLabels: this.options.teamLabels } : {}),
          prometheus: { client, url: prometheus.url },
          variant: 'burstable',
          plan: true,
          spotDiscountText: 'spot discount per instance category (estimate)',
          toolVersion: this.options.version,
          onMessage: (line) => this.log(`cost: ${line}`),
        });
        this.costReport = analysis.report;
        this.publishCost();
        this.exportCost(analysis.report);
      } catch (error) {
        this.publishCost();
        this.cost.partial.set(1);
        this.log(`error: cost: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        client.close();
        this.costRunning = undefined;
        // A run that outlives stop() must not schedule another: its timer would hold the process.
        if (!this.stopped)
          this.costTimer = setTimeout(
            () => void this.runCost(),
            this.options.costIntervalMs ?? 6 * 3_600_000,
          );
      }
    })();
    return this.costRunning;
  }

  /** Puts the cost gauges on /metrics, once. */
  private publishCost(): void {
    if (this.costPublished) return;
    this.costPublished = true;
    for (const gauge of Object.values(this.cost)) this.registry.registerMetric(gauge);
  }

  private exportCost(report: CostReport): void {
    const c = this.cost;
    c.nodes.set(report.now.monthly);
    c.idle.set(report.now.idleMonthly);
    c.namespace.reset();
    for (const line of report.byNamespace) c.namespace.set({ namespace: line.name }, line.monthly);
    c.team.reset();
    for (const line of report.byTeam) c.team.set({ team: line.name }, line.monthly);
    if (report.nodeMix) c.plan.set(report.nodeMix.planMonthly);
    c.spotSavings.set(report.spot.monthlySavings);
    c.rightsizingSavings.set(report.rightsizing?.monthlySavings ?? 0);
    c.requested.reset();
    c.recommended.reset();
    for (const r of report.rightsizing?.containers ?? []) {
      const labels = {
        namespace: r.namespace,
        workload_kind: r.kind,
        workload: r.workload,
        container: r.container,
      };
      if (r.current.cpuRequest !== undefined)
        c.requested.set({ ...labels, resource: 'cpu' }, r.current.cpuRequest);
      if (r.current.memoryRequest !== undefined)
        c.requested.set({ ...labels, resource: 'memory' }, r.current.memoryRequest);
      if (r.recommended.cpuRequest !== undefined)
        c.recommended.set({ ...labels, resource: 'cpu' }, r.recommended.cpuRequest);
      if (r.recommended.memoryRequest !== undefined)
        c.recommended.set({ ...labels, resource: 'memory' }, r.recommended.memoryRequest);
    }
    c.partial.set(report.partial.length > 0 ? 1 : 0);
    c.lastRun.set(Date.now() / 1000);
  }

  private certsChanged(): void {
    if (!this.synced || this.certDebounce) return;
    // Secrets often change in bursts (a rollout, cert-manager renewing many): read once after.
    this.certDebounce = setTimeout(() => {
      this.certDebounce = undefined;
      void this.readCertificates();
    }, 5000);
  }

  /** Reads every certificate the cluster holds (as `hindsight certs` does), then schedules the next read. */
  private readCertificates(): Promise<void> {
    if (this.certsRunning) return this.certsRunning;
    clearTimeout(this.certTimer);
    this.certsRunning = (async () => {
      try {
        const { loadClusterCertificates } = await import('../sources/tls/load-cluster-certificates.ts');
        const { analyzeCertificates, DEFAULT_ANALYSIS_OPTIONS } = await import(
          '../analyzers/certs/analysis.ts'
        );
        const { runCertChecks } = await import('../analyzers/certs/run-cert-checks.ts');
        const { CERT_CHECKS } = await import('../analyzers/certs/registry.ts');
        const { renderPrometheusMetrics } = await import('../analyzers/certs/prometheus-metrics.ts');
        const discovery = await loadClusterCertificates({
          env: this.options.watch.env,
          ...(this.watch.access ? { access: this.watch.access } : {}),
          ...(this.options.watch.kubeconfig ? { kubeconfig: this.options.watch.kubeconfig } : {}),
          ...(this.options.watch.context ? { context: this.options.watch.context } : {}),
          ...(this.options.watch.namespace ? { namespace: this.options.watch.namespace } : {}),
          ...(this.options.watch.client ? { client: this.options.watch.client } : {}),
          probeApiServer: this.options.probeApiServer ?? true,
          timeoutMs: 5000,
          onWarning: (line) => this.log(`warning: certificates: ${line}`),
        });
        const analysis = analyzeCertificates(discovery, {
          ...DEFAULT_ANALYSIS_OPTIONS,
          now: this.options.now?.() ?? new Date(),
        });
        this.certFindings = runCertChecks(analysis, CERT_CHECKS).findings;
        const { describeLocation } = await import('../sources/tls/discovery.ts');
        this.certificates = analysis.inventory.records.map((r) => ({
          subject:
            r.commonName ||
            Object.entries(r.subject)
              .map(([k, v]) => `${k}=${v}`)
              .join(', '),
          issuer: r.issuerCommonName,
          where: r.placements.map((p) => describeLocation(p.location)).join('; '),
          notAfter: r.notAfter,
        }));
        this.certificatesReadAt = new Date();
        this.certMetrics = await renderPrometheusMetrics(
          analysis,
          discovery.errors.length,
          this.options.cluster ? { cluster: this.options.cluster } : {},
        );
        this.certErrorsGauge.set(discovery.errors.length);
        this.certsReadGauge.set(Date.now() / 1000);
        if (this.lastInventory) this.export(this.lastInventory, this.findings, this.lastScore);
        this.queueReports();
      } catch (error) {
        this.certErrorsGauge.set(1);
        this.log(`error: certificates: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.certsRunning = undefined;
        if (!this.stopped)
          this.certTimer = setTimeout(
            () => void this.readCertificates(),
            this.options.certsIntervalMs ?? 600_000,
          );
      }
    })();
    return this.certsRunning;
  }

  /** Writes the PolicyReports that changed, one write pass at a time (opt-in). */
  private queueReports(): void {
    if (!this.options.policyReports) return;
    this.reporting = (this.reporting ?? Promise.resolve()).then(() => this.writeReports());
  }

  private async writeReports(): Promise<void> {
    const now = this.options.now?.() ?? new Date();
    const reports = buildPolicyReports(
      [...this.findings, ...this.certFindings],
      now,
      this.writtenReports.keys(),
    );
    for (const [namespace, report] of reports) {
      // Results without their timestamps: an unchanged namespace is not written again.
      const content = JSON.stringify(report.results.map(({ timestamp: _, ...rest }) => rest));
      if (this.writtenReports.get(namespace) === content) continue;
      const path =
        namespace === ''
          ? `/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports/${POLICY_REPORT_NAME}`
          : `/apis/wgpolicyk8s.io/v1alpha2/namespaces/${encodeURIComponent(namespace)}/policyreports/${POLICY_REPORT_NAME}`;
      try {
        const res = await this.watch.apply(path, report);
        if (res.status >= 200 && res.status < 300) {
          this.writtenReports.set(namespace, content);
          this.reportWrites.inc({ result: 'ok' });
        } else {
          this.reportWrites.inc({ result: 'error' });
          this.log(
            `warning: PolicyReport ${namespace || '(cluster)'}: HTTP ${res.status}: ${res.body.slice(0, 200)}`,
          );
        }
      } catch (error) {
        this.reportWrites.inc({ result: 'error' });
        this.log(
          `warning: PolicyReport ${namespace || '(cluster)'}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }

  private changed(at: number): void {
    // Before the first evaluation, changes are part of it; after stop(), nothing is.
    if (!this.synced || this.stopped) return;
    this.pendingSince.push(at);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const covered = this.pendingSince;
      this.pendingSince = [];
      // One evaluation at a time; changes meanwhile wait for the next.
      this.evaluating = (this.evaluating ?? Promise.resolve()).then(() => this.evaluate(covered));
    }, this.options.debounceMs ?? 500);
  }

  private async evaluate(covered: number[]): Promise<void> {
    const started = performance.now();
    const full = Date.now() - this.lastFullEvaluation >= this.fullEvaluationMs;
    if (full) this.lastFullEvaluation = Date.now();
    // What changed up to the objects just taken (both read in this same synchronous step).
    const parts = this.pendingParts;
    this.pendingParts = new Set();
    if (full || Date.now() - this.lastClock >= this.clockRefreshMs) {
      this.lastClock = Date.now();
      parts.add(CLOCK_PART);
    }
    const kinds = new Map<string, number>();
    for (const { ref } of this.pendingObjects.values()) kinds.set(ref.kind, (kinds.get(ref.kind) ?? 0) + 1);
    const inventory = this.currentInventory(full, parts);
    const now = this.options.now?.() ?? new Date();
    const result = this.engine.evaluate(inventory, now, full ? 'all' : parts);
    this.checks.inc({ result: 'run' }, result.checked);
    this.checks.inc({ result: 'reused' }, result.reused);
    this.findings = result.findings;
    this.lastInventory = inventory;
    this.lastScore = result.score;
    this.export(inventory, result.findings, result.score);
    // Values about one object (a workload's spot verdict) are built again when a check that reads
    // them runs again, which is rare between changes to what they read: not kept between evaluations.
    inventory.forgetPerEntry();
    this.queueReports();
    this.evaluations.inc();
    const seconds = (performance.now() - started) / 1000;
    this.evaluationSeconds.observe(seconds);
    // A slow evaluation holds every change behind it: say so, with what it did.
    if (seconds >= 5)
      this.log(
        `note: ${full ? 'full' : 'incremental'} evaluation took ${seconds.toFixed(1)} s (${result.checked} checks run, ${result.reused} reused, ${covered.length} changes${kinds.size ? `: ${[...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ')}` : ''}; most run: ${mostRun(result.checkedByRule)})`,
      );
    this.lastEvaluation = now;
    this.trend.add(now, result.score, [...result.findings, ...this.certFindings]);
    this.lastEvaluationGauge.set(Date.now() / 1000);
    const done = Date.now();
    for (const at of covered) this.changeSeconds.observe((done - at) / 1000);
  }

  /**
   * The inventory, changed in place by what the watch saw since the last evaluation; built
   * afresh from the watch's objects on the first and on every full evaluation.
   */
  private currentInventory(full: boolean, parts: ReadonlySet<string>): Inventory {
    const pending = this.pendingObjects;
    this.pendingObjects = new Map();
    const origin = { source: this.watch.source };
    if (full || !this.inventory) {
      // The one kept is let go first (nothing else runs until the evaluation ends): two whole
      // inventories at once, indexes and shared values with them, would set the heap's peak.
      this.inventory = undefined;
      this.lastInventory = undefined;
      this.inventory = buildInventory(this.watch.objects().map((object) => ({ object, origin })));
      return this.inventory;
    }
    for (const { ref, object } of pending.values()) {
      if (object) this.inventory.upsert(object, origin);
      else this.inventory.remove(ref);
    }
    this.inventory.forget(parts);
    return this.inventory;
  }

  private export(inventory: Inventory, findings: readonly Finding[], score: number): void {
    const teamLabels = this.options.teamLabels ?? DEFAULT_TEAM_LABELS;
    const namespaceLabels = new Map<string, Record<string, unknown>>();
    for (const ns of inventory.ofKind('Namespace'))
      namespaceLabels.set(ns.ref.name, asRecord(ns.object.metadata.labels) ?? {});
    const teamOf = (f: Finding, object: KubeObject | undefined): string => {
      const own = asRecord(object?.metadata.labels) ?? {};
      const ns = namespaceLabels.get(f.ref.namespace ?? '') ?? {};
      for (const key of teamLabels) {
        const value = own[key] ?? ns[key];
        if (typeof value === 'string' && value !== '') return value;
      }
      return '';
    };
    const counts = new Map<string, { labels: Record<string, string>; n: number }>();
    for (const f of [...findings, ...this.certFindings]) {
      const object = inventory.get(f.ref)?.object;
      const labels = {
        rule: f.ruleId,
        severity: f.severity,
        category: f.category,
        lesson: CATALOG_BY_ID.get(f.ruleId)?.lesson ?? '',
        namespace: f.ref.namespace ?? '',
        team: teamOf(f, object),
        kind: f.ref.kind,
      };
      const key = JSON.stringify(labels);
      const entry = counts.get(key) ?? { labels, n: 0 };
      entry.n++;
      counts.set(key, entry);
    }
    // Series of findings that are gone disappear: reset, then set what is there now.
    this.findingsGauge.reset();
    for (const { labels, n } of counts.values()) this.findingsGauge.set(labels, n);
    this.objectsGauge.reset();
    for (const kind of inventory.kinds()) this.objectsGauge.set({ kind }, inventory.ofKind(kind).length);
    this.scoreGauge.set(score);
  }

  private dashboardState(): DashboardState {
    return {
      ...(this.options.cluster ? { cluster: this.options.cluster } : {}),
      ready: this.ready,
      ...(this.lastEvaluation ? { evaluatedAt: this.lastEvaluation } : {}),
      score: this.lastScore,
      findings: [...this.findings, ...this.certFindings],
      certificates: this.certificates,
      ...(this.certificatesReadAt ? { certificatesReadAt: this.certificatesReadAt } : {}),
      ...(this.costReport ? { cost: this.costReport } : {}),
      trend: this.trend.points(),
      rules: CATALOG_BY_ID,
      now: this.options.now?.() ?? new Date(),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end('read-only: GET only\n');
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const open = path === '/healthz' || path === '/readyz' || path === '/metrics';
    if (
      !open &&
      this.options.token !== undefined &&
      req.headers.authorization !== `Bearer ${this.options.token}`
    ) {
      res
        .writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'text/plain' })
        .end('a bearer token is needed\n');
      return;
    }
    try {
      switch (path) {
        case '/healthz':
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
          return;
        case '/readyz': {
          const r = this.watch.readiness;
          res
            .writeHead(this.ready ? 200 : 503, { 'content-type': 'text/plain' })
            .end(this.ready ? 'ready\n' : `listing: ${r.synced} of ${r.kinds} kinds\n`);
          return;
        }
        case '/metrics': {
          const body = `${await this.registry.metrics()}${this.certMetrics ? `\n${this.certMetrics}` : ''}`;
          res.writeHead(200, { 'content-type': this.registry.contentType }).end(body);
          return;
        }
        case '/api/cost': {
          if (!this.costReport) {
            res.writeHead(404, { 'content-type': 'text/plain' }).end('no cost yet: serve --prometheus URL\n');
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.costReport));
          return;
        }
        case '/api/findings': {
          const body = JSON.stringify({
            ready: this.ready,
            evaluatedAt: this.lastEvaluation?.toISOString() ?? null,
            lessons: Object.keys(LESSONS),
            findings: [...this.findings, ...this.certFindings],
          });
          res.writeHead(200, { 'content-type': 'application/json' }).end(body);
          return;
        }
        default: {
          const page = renderDashboard(this.dashboardState(), path ?? '/');
          res
            .writeHead(page.status, {
              'content-type': 'text/html; charset=utf-8',
              // Nothing from elsewhere, no script: the page is data.
              'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'",
              'x-content-type-options': 'nosniff',
            })
            .end(page.html);
        }
      }
    } catch (error) {
      res
        .writeHead(500, { 'content-type': 'text/plain' })
        .end(`${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}
