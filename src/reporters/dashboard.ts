/**
 * The web dashboard of `hindsight serve`: server-rendered pages, no script, no stylesheet or
 * font from elsewhere (it works air-gapped), a stable URL per page, every page a function of the
 * current state. Pages: the overview (score, findings by severity and lesson, the trend since
 * serve started, the rules behind most findings), namespaces, one namespace, one object (its findings with the fix and the
 * runbook link), one rule (its runbook), and the certificates by expiry. The same data is JSON at
 * /api/findings.
 */
import type { CostReport } from '../analyzers/cost/cost-report.ts';
import { compareText } from '../core/compare-text.ts';
import type { Finding } from '../core/finding.ts';
import { LESSONS, type LessonId } from '../core/lesson.ts';
import { usd } from '../core/numbers.ts';
import { pushTo } from '../core/records.ts';
import { SEVERITIES, type Severity, severityRank } from '../core/severity.ts';

export interface DashboardCertificate {
  subject: string;
  issuer: string;
  /** Where it was found: `Secret shop/api-tls (tls.crt)`, a webhook, the API server. */
  where: string;
  notAfter: Date;
}

/** The state after one evaluation, for the overview's trend since `serve` started. */
export interface TrendPoint {
  at: Date;
  score: number;
  counts: Record<Severity, number>;
}

export interface DashboardState {
  cluster?: string;
  ready: boolean;
  evaluatedAt?: Date;
  score: number;
  findings: readonly Finding[];
  certificates: readonly DashboardCertificate[];
  certificatesReadAt?: Date;
  /** Title, lesson and runbook (README, read when a rule's page is asked for) of each check. */
  rules: ReadonlyMap<string, { title: string; lesson: LessonId; readme(): string | undefined }>;
  /** The last cost run, when serve has a Prometheus. */
  cost?: CostReport;
  /** Score and findings after each evaluation since serve started, oldest first (serve only). */
  trend?: readonly TrendPoint[];
  now: Date;
}

export interface DashboardPage {
  status: number;
  html: string;
}

function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const enc = encodeURIComponent;
const objectUrl = (f: Finding) =>
  `/objects/${enc(f.ref.kind)}/${enc(f.ref.namespace ?? '_')}/${enc(f.ref.name)}`;
const namespaceUrl = (ns: string) => `/namespaces/${enc(ns === '' ? '_' : ns)}`;

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{background:#16213e;color:#fff;padding:10px 24px;display:flex;gap:24px;align-items:baseline}
header a{color:#fff;text-decoration:none}header strong{font-size:18px}
main{padding:16px 24px;max-width:1200px}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0 20px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e5e5e5;vertical-align:top}
th{background:#f0f0f3;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.sev{font-weight:600;text-transform:uppercase;font-size:12px}
.critical{color:#b3261e}.high{color:#d93025}.medium{color:#b06000}.low{color:#1a73e8}.info{color:#5f6368}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:#fff;border:1px solid #e5e5e5;padding:12px 16px;min-width:140px}
.card b{display:block;font-size:26px}.muted{color:#5f6368}pre{white-space:pre-wrap;background:#fff;border:1px solid #e5e5e5;padding:12px}
`;

function layout(state: DashboardState, title: string, body: string): string {
  const cluster = state.cluster ? ` — ${esc(state.cluster)}` : '';
  const status = state.ready
    ? `evaluated ${esc(state.evaluatedAt?.toISOString() ?? '')}`
    : 'listing the cluster…';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} — hindsight${cluster}</title><style>${STYLE}</style></head>
<body><header><strong><a href="/">hindsight${cluster}</a></strong>
<a href="/namespaces">Namespaces</a><a href="/certificates">Certificates</a>${state.cost ? '<a href="/cost">Cost</a>' : ''}<a href="/api/findings">JSON</a>
<span class="muted" style="color:#c5cae9;margin-left:auto">${status}</span></header>
<main><h1>${esc(title)}</h1>${body}</main></body></html>
`;
}

function sev(s: Severity): string {
  return `<span class="sev ${s}">${s}</span>`;
}

function findingsTable(findings: readonly Finding[], withObject: boolean): string {
  if (findings.length === 0) return '<p class="muted">No findings.</p>';
  const rows = [...findings]
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || compareText(a.ruleId, b.ruleId))
    .map(
      (f) =>
        `<tr><td>${sev(f.severity)}</td><td><a href="/rules/${enc(f.ruleId)}">${esc(f.ruleId)}</a></td>${
          withObject
            ? `<td><a href="${objectUrl(f)}">${esc(`${f.ref.kind} ${f.ref.namespace ? `${f.ref.namespace}/` : ''}${f.ref.name}`)}</a></td>`
            : ''
        }<td>${f.container ? `[${esc(f.container)}] ` : ''}${esc(f.message)}${
          f.fix ? `<br><span class="muted">Fix: ${esc(f.fix.description)}</span>` : ''
        }${f.manual ? `<br><span class="muted">Needs a human: ${esc(f.manual)}</span>` : ''}</td></tr>`,
    );
  return `<table><tr><th>Severity</th><th>Rule</th>${withObject ? '<th>Object</th>' : ''}<th>Finding</th></tr>${rows.join('')}</table>`;
}

const total = (p: TrendPoint) => SEVERITIES.reduce((n, s) => n + p.counts[s], 0);

/** An inline SVG line: `values` over the points' times, scaled to [0, max]. */
function polyline(points: readonly TrendPoint[], values: number[], max: number, color: string): string {
  const t0 = (points[0] as TrendPoint).at.getTime();
  const span = Math.max(1, (points[points.length - 1] as TrendPoint).at.getTime() - t0);
  const xy = points.map((p, i) => {
    const x = 4 + (592 * (p.at.getTime() - t0)) / span;
    const y = 116 - (112 * (values[i] as number)) / Math.max(1, max);
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${xy.join(' ')}"/>`;
}

/** Score and findings since serve started: a chart and the first evaluation against the last. */
function trendSection(trend: readonly TrendPoint[] | undefined): string {
  if (!trend || trend.length < 2) return '';
  const first = trend[0] as TrendPoint;
  const last = trend[trend.length - 1] as TrendPoint;
  const totals = trend.map(total);
  const maxTotal = Math.max(...totals);
  const change = (a: number, b: number) => (b === a ? '=' : b > a ? `+${b - a}` : `${b - a}`);
  const rows = [
    ['score', first.score, last.score],
    ['findings', total(first), total(last)],
    ...[...SEVERITIES].reverse().map((s) => [s, first.counts[s], last.counts[s]] as const),
  ].map(
    ([what, a, b]) =>
      `<tr><td>${esc(String(what))}</td><td class="n">${a}</td><td class="n">${b}</td><td class="n">${change(a as number, b as number)}</td></tr>`,
  );
  return `<h2>Since ${esc(first.at.toISOString())}</h2>
<svg role="img" aria-label="score and findings over time" viewBox="0 0 600 120" width="600" height="120" style="background:#fff;border:1px solid #e5e5e5">
${polyline(
  trend,
  trend.map((p) => p.score),
  100,
  '#1a73e8',
)}${polyline(trend, totals, maxTotal, '#d93025')}</svg>
<p class="muted"><span style="color:#1a73e8">score</span> (0–100) and <span style="color:#d93025">findings</span> (0–${maxTotal}) after each of the ${trend.length} evaluations kept</p>
<table><tr><th></th><th>First evaluation</th><th>Now</th><th>Change</th></tr>${rows.join('')}</table>`;
}

function overview(state: DashboardState): string {
  const counts = new Map<Severity, number>(SEVERITIES.map((s) => [s, 0]));
  for (const f of state.findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const byLesson = new Map<string, number>();
  for (const f of state.findings) {
    const lesson = state.rules.get(f.ruleId)?.lesson;
    const title = lesson ? LESSONS[lesson].title : 'other';
    byLesson.set(title, (byLesson.get(title) ?? 0) + 1);
  }
  const byRule = new Map<string, Finding[]>();
  for (const f of state.findings) pushTo(byRule, f.ruleId, f);
  const soon = state.certificates.filter((c) => c.notAfter.getTime() - state.now.getTime() < 30 * 86_400_000);
  const cards = [
    `<div class="card"><b>${state.score}</b>score of 100</div>`,
    ...[...SEVERITIES]
      .reverse()
      .map((s) => `<div class="card"><b class="${s}">${counts.get(s)}</b>${s}</div>`),
    `<div class="card"><b>${soon.length}</b><a href="/certificates">certificates expire within 30 days</a></div>`,
  ];
  const lessons = [...byLesson]
    .sort((a, b) => b[1] - a[1])
    .map(([title, n]) => `<tr><td>${esc(title)}</td><td class="n">${n}</td></tr>`);
  const rules = [...byRule]
    .sort(
      ([, a], [, b]) =>
        severityRank((b[0] as Finding).severity) - severityRank((a[0] as Finding).severity) ||
        b.length - a.length,
    )
    .slice(0, 15)
    .map(
      ([id, fs]) =>
        `<tr><td>${sev((fs[0] as Finding).severity)}</td><td><a href="/rules/${enc(id)}">${esc(id)}</a></td><td>${esc(state.rules.get(id)?.title ?? '')}</td><td class="n">${fs.length}</td></tr>`,
    );
  return layout(
    state,
    'Overview',
    `<div class="cards">${cards.join('')}</div>${trendSection(state.trend)}
<h2>By lesson</h2><table><tr><th>Lesson</th><th>Findings</th></tr>${lessons.join('')}</table>
<h2>The rules behind most findings</h2><table><tr><th>Severity</th><th>Rule</th><th>Title</th><th>Findings</th></tr>${rules.join('')}</table>`,
  );
}

function namespaces(state: DashboardState): string {
  const byNs = new Map<string, Finding[]>();
  for (const f of state.findings) pushTo(byNs, f.ref.namespace ?? '', f);
  const rows = [...byNs]
    .sort((a, b) => b[1].length - a[1].length)
    .map(([ns, fs]) => {
      const worst = [...fs].sort((a, b) => severityRank(b.severity) - severityRank(a.severity))[0] as Finding;
      return `<tr><td><a href="${namespaceUrl(ns)}">${esc(ns === '' ? '(cluster-scoped)' : ns)}</a></td><td>${sev(worst.severity)}</td><td class="n">${fs.length}</td></tr>`;
    });
  return layout(
    state,
    'Namespaces',
    `<table><tr><th>Namespace</th><th>Worst</th><th>Findings</th></tr>${rows.join('')}</table>`,
  );
}

function certificates(state: DashboardState): string {
  const day = 86_400_000;
  const rows = [...state.certificates]
    .sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime())
    .map((c) => {
      const days = (c.notAfter.getTime() - state.now.getTime()) / day;
      const cls = days < 0 ? 'critical' : days < 7 ? 'high' : days < 30 ? 'medium' : '';
      return `<tr><td class="${cls}">${days < 0 ? 'expired' : `${Math.floor(days)} days`}</td><td>${esc(c.notAfter.toISOString())}</td><td>${esc(c.subject)}</td><td>${esc(c.issuer)}</td><td>${esc(c.where)}</td></tr>`;
    });
  const read = state.certificatesReadAt
    ? `read ${esc(state.certificatesReadAt.toISOString())}`
    : 'not read yet';
  return layout(
    state,
    'Certificates',
    `<p class="muted">${state.certificates.length} certificates, ${read}; soonest expiry first.</p>
<table><tr><th>Left</th><th>Not after</th><th>Subject</th><th>Issuer</th><th>Where</th></tr>${rows.join('')}</table>`,
  );
}

function cost(state: DashboardState, report: CostReport): string {
  const cards = [
    `<div class="card"><b>${esc(usd(report.now.monthly))}</b>per month on ${report.now.nodes} nodes</div>`,
    `<div class="card"><b>${esc(usd(report.now.idleMonthly))}</b>idle per month</div>`,
    ...(report.nodeMix
      ? [`<div class="card"><b>${esc(usd(report.nodeMix.planMonthly))}</b>planned node mix</div>`]
      : []),
    `<div class="card"><b>${esc(usd(report.spot.monthlySavings))}</b>spot savings per month</div>`,
    ...(report.rightsizing
      ? [
          `<div class="card"><b>${esc(usd(report.rightsizing.monthlySavings))}</b>right-sizing per month</div>`,
        ]
      : []),
  ];
  const namespaces = report.byNamespace
    .map(
      (l) =>
        `<tr><td><a href="${namespaceUrl(l.name)}">${esc(l.name)}</a></td><td class="n">${esc(usd(l.monthly))}</td><td class="n">${l.cpuRequested.toFixed(2)}</td><td class="n">${l.cpuUsed === undefined ? '-' : l.cpuUsed.toFixed(2)}</td></tr>`,
    )
    .join('');
  const changes = [...(report.rightsizing?.containers ?? [])]
    .sort((a, b) => a.monthlyDelta - b.monthlyDelta)
    .slice(0, 25)
    .map(
      (r) =>
        `<tr><td>${esc(`${r.kind} ${r.namespace}/${r.workload}`)}</td><td>${esc(r.container)}</td><td class="n">${r.current.cpuRequest?.toFixed(3) ?? '-'} → ${r.recommended.cpuRequest?.toFixed(3) ?? '-'}</td><td class="n">${esc(usd(r.monthlyDelta))}</td><td>${esc(r.confidence)}</td></tr>`,
    )
    .join('');
  return layout(
    state,
    'Cost',
    `<p class="muted">From ${esc(report.generatedAt)}${report.partial.length > 0 ? `; partial: ${esc(report.partial.join('; '))}` : ''}.</p>
<div class="cards">${cards.join('')}</div>
<h2>By namespace</h2><table><tr><th>Namespace</th><th>Per month</th><th>CPU requested</th><th>CPU used</th></tr>${namespaces}</table>
<h2>Right-sizing: the biggest changes</h2><table><tr><th>Workload</th><th>Container</th><th>CPU request (cores)</th><th>Per month</th><th>Confidence</th></tr>${changes}</table>`,
  );
}

/** The page at `path`, or a 404 page. */
export function renderDashboard(state: DashboardState, path: string): DashboardPage {
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map((p) => decodeURIComponent(p));
  if (parts.length === 0) return { status: 200, html: overview(state) };
  if (parts[0] === 'namespaces' && parts.length === 1) return { status: 200, html: namespaces(state) };
  if (parts[0] === 'namespaces' && parts.length === 2) {
    const ns = parts[1] === '_' ? '' : (parts[1] as string);
    const fs = state.findings.filter((f) => (f.ref.namespace ?? '') === ns);
    return {
      status: 200,
      html: layout(state, `Namespace ${ns === '' ? '(cluster-scoped)' : ns}`, findingsTable(fs, true)),
    };
  }
  if (parts[0] === 'objects' && parts.length === 4) {
    const [, kind, nsPart, name] = parts as [string, string, string, string];
    const ns = nsPart === '_' ? undefined : nsPart;
    const fs = state.findings.filter(
      (f) => f.ref.kind === kind && f.ref.name === name && f.ref.namespace === ns,
    );
    const title = `${kind} ${ns ? `${ns}/` : ''}${name}`;
    return { status: 200, html: layout(state, title, findingsTable(fs, false)) };
  }
  if (parts[0] === 'rules' && parts.length === 2) {
    const id = parts[1] as string;
    const rule = state.rules.get(id);
    if (!rule) return { status: 404, html: layout(state, 'Not found', `<p>No rule ${esc(id)}.</p>`) };
    const fs = state.findings.filter((f) => f.ruleId === id);
    return {
      status: 200,
      html: layout(
        state,
        `${id}: ${rule.title}`,
        `<p class="muted">Lesson: ${esc(LESSONS[rule.lesson].title)}. ${esc(LESSONS[rule.lesson].story)}</p>
<h2>Findings now (${fs.length})</h2>${findingsTable(fs, true)}
<h2>Runbook</h2><pre>${esc(rule.readme() ?? 'No runbook.')}</pre>`,
      ),
    };
  }
  if (parts[0] === 'certificates' && parts.length === 1) return { status: 200, html: certificates(state) };
  if (parts[0] === 'cost' && parts.length === 1 && state.cost)
    return { status: 200, html: cost(state, state.cost) };
  return {
    status: 404,
    html: layout(state, 'Not found', `<p>No page at ${esc(path)}. <a href="/">Overview</a></p>`),
  };
}
