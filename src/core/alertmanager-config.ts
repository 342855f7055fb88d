/**
 * Alertmanager configuration as the alerting rules read it, from either place it lives:
 *
 * - `AlertmanagerConfiguration` (hindsight.dev/v1), the object the manifest reader makes of a
 *   plain alertmanager.yaml (a document with `route:` and `receivers:` and no `kind`) or of the
 *   `alertmanager.yaml` key of a Secret; its fields are the file's own, so paths point into it;
 * - prometheus-operator's `AlertmanagerConfig` (monitoring.coreos.com/v1alpha1), camelCase,
 *   matchers as objects, confined by the operator to alerts of its namespace.
 *
 * Both become one typed route tree with each route's effective matchers (its ancestors' and its
 * own), receiver and repeat interval, as Alertmanager evaluates them.
 */
import type { ObjectPath } from './finding.ts';
import { asRecord } from './records.ts';
import type { KubeObject } from './resource.ts';

export const ALERTMANAGER_CONFIGURATION = {
  apiVersion: 'hindsight.dev/v1',
  kind: 'AlertmanagerConfiguration',
};
export const ALERTMANAGER_CONFIG_KINDS = ['AlertmanagerConfiguration', 'AlertmanagerConfig'];

/** Receiver integrations that page a human (Alertmanager's and the operator's spellings). */
const PAGER_INTEGRATIONS = new Set([
  'pagerduty_configs',
  'opsgenie_configs',
  'victorops_configs',
  'pagerdutyConfigs',
  'opsgenieConfigs',
  'victoropsConfigs',
]);

export type MatchOp = '=' | '!=' | '=~' | '!~';
export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}

export interface Route {
  path: ObjectPath;
  /** Own matchers (legacy `match`/`match_re` included). */
  matchers: Matcher[];
  /** Ancestors' matchers and its own: what an alert must satisfy to reach this route. */
  effective: Matcher[];
  /** Its receiver, or the one inherited from its parent. */
  receiver: string | undefined;
  continue: boolean;
  /** Its repeat interval or the inherited one; Alertmanager's default is 4h. */
  repeatInterval: string;
  routes: Route[];
}

export interface Receiver {
  name: string;
  path: ObjectPath;
  /** Integration keys with at least one entry, e.g. `slack_configs`. */
  integrations: string[];
  isPager: boolean;
}

export interface AlertmanagerView {
  /** `AlertmanagerConfiguration`: the whole of Alertmanager; `AlertmanagerConfig`: one namespace's part. */
  scope: 'global' | 'namespace';
  route: Route | undefined;
  receivers: Receiver[];
  hasInhibitRules: boolean;
}

const DEFAULT_REPEAT_INTERVAL = '4h';

/**
 * One matcher string of a route's `matchers` list, as Alertmanager reads it: one matcher or
 * several separated by commas, optionally in braces (`{severity="critical", team=~"a|b"}`,
 * `severity=critical,team=c`); values quoted (escapes as in JSON strings, commas allowed) or
 * bare. Undefined when the text is not valid matcher syntax (Alertmanager refuses the file).
 */
export function parseMatchers(text: string): Matcher[] | undefined {
  // Each brace is dropped on its own, as Alertmanager's classic parser does.
  let body = text.trim();
  if (body.startsWith('{')) body = body.slice(1);
  if (body.endsWith('}')) body = body.slice(0, -1);
  const pieces: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      pieces.push(body.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted) return undefined;
  pieces.push(body.slice(start));
  const out: Matcher[] = [];
  for (const [i, piece] of pieces.entries()) {
    // A trailing comma is allowed; an empty matcher elsewhere is not.
    if (piece.trim() === '' && i === pieces.length - 1 && i > 0) continue;
    const m = parseMatcher(piece);
    if (!m) return undefined;
    out.push(m);
  }
  return out;
}

/** One matcher: `severity = "critical"`, `severity=~warning|info`. */
function parseMatcher(text: string): Matcher | undefined {
  const m = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/s.exec(text);
  if (!m) return undefined;
  let value = m[3] as string;
  if (value.startsWith('"')) {
    if (value.length < 2 || !value.endsWith('"')) return undefined;
    try {
      value = JSON.parse(value) as string;
    } catch {
      return undefined;
    }
  } else if (value.includes('"')) return undefined;
  return { name: m[1] as string, op: m[2] as MatchOp, value };
}

/** Whether a label value (undefined: absent, which Alertmanager reads as "") satisfies the matchers. */
export function admits(matchers: readonly Matcher[], label: string, value: string | undefined): boolean {
  return matchers
    .filter((m) => m.name === label)
    .every((m) => {
      const v = value ?? '';
      if (m.op === '=') return v === m.value;
      if (m.op === '!=') return v !== m.value;
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${m.value})$`);
      } catch {
        return true;
      }
      return m.op === '=~' ? re.test(v) : !re.test(v);
    });
}

export function formatMatchers(matchers: readonly Matcher[]): string {
  return matchers.length === 0 ? '{}' : `{${matchers.map((m) => `${m.name}${m.op}"${m.value}"`).join(', ')}}`;
}

export function sameMatcher(a: Matcher, b: Matcher): boolean {
  return a.name === b.name && a.op === b.op && a.value === b.value;
}

function fileMatchers(route: Record<string, unknown>): Matcher[] {
  const out: Matcher[] = [];
  if (Array.isArray(route.matchers))
    for (const text of route.matchers) {
      const parsed = typeof text === 'string' ? parseMatchers(text) : undefined;
      if (parsed) out.push(...parsed);
    }
  for (const [key, op] of [
    ['match', '='],
    ['match_re', '=~'],
  ] as const)
    for (const [name, value] of Object.entries(asRecord(route[key]) ?? {}))
      if (typeof value === 'string') out.push({ name, op, value });
  return out;
}

function operatorMatchers(route: Record<string, unknown>): Matcher[] {
  if (!Array.isArray(route.matchers)) return [];
  return route.matchers.flatMap((item) => {
    const m = asRecord(item);
    if (typeof m?.name !== 'string' || typeof m.value !== 'string') return [];
    const op = (typeof m.matchType === 'string' ? m.matchType : m.regex === true ? '=~' : '=') as MatchOp;
    return ['=', '!=', '=~', '!~'].includes(op) ? [{ name: m.name, op, value: m.value }] : [];
  });
}

interface Parent {
  effective: Matcher[];
  receiver: string | undefined;
  repeatInterval: string;
}

function readRoute(value: unknown, path: ObjectPath, parent: Parent, operator: boolean): Route | undefined {
  const route = asRecord(value);
  if (!route) return undefined;
  const matchers = operator ? operatorMatchers(route) : fileMatchers(route);
  const repeat = operator ? route.repeatInterval : route.repeat_interval;
  const own: Parent = {
    effective: [...parent.effective, ...matchers],
    receiver: typeof route.receiver === 'string' && route.receiver !== '' ? route.receiver : parent.receiver,
    repeatInterval: typeof repeat === 'string' ? repeat : parent.repeatInterval,
  };
  const children = Array.isArray(route.routes) ? route.routes : [];
  return {
    path,
    matchers,
    ...own,
    continue: route.continue === true,
    routes: children.flatMap((child, i) => readRoute(child, [...path, 'routes', i], own, operator) ?? []),
  };
}

function readReceivers(value: unknown, path: ObjectPath): Receiver[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item, i) => {
    const r = asRecord(item);
    if (typeof r?.name !== 'string') return [];
    const integrations = Object.keys(r).filter(
      (k) => k !== 'name' && Array.isArray(r[k]) && (r[k] as unknown[]).length > 0,
    );
    return [
      {
        name: r.name,
        path: [...path, i],
        integrations,
        isPager: integrations.some((k) => PAGER_INTEGRATIONS.has(k)),
      },
    ];
  });
}

/** The view of an AlertmanagerConfiguration or AlertmanagerConfig; undefined for other kinds. */
export function readAlertmanagerView(object: KubeObject): AlertmanagerView | undefined {
  const root: Parent = { effective: [], receiver: undefined, repeatInterval: DEFAULT_REPEAT_INTERVAL };
  if (
    object.kind === ALERTMANAGER_CONFIGURATION.kind &&
    object.apiVersion === ALERTMANAGER_CONFIGURATION.apiVersion
  ) {
    const inhibit = object.inhibit_rules;
    return {
      scope: 'global',
      route: readRoute(object.route, ['route'], root, false),
      receivers: readReceivers(object.receivers, ['receivers']),
      hasInhibitRules: Array.isArray(inhibit) && inhibit.length > 0,
    };
  }
  if (object.kind === 'AlertmanagerConfig' && object.apiVersion.startsWith('monitoring.coreos.com/')) {
    const spec = asRecord(object.spec) ?? {};
    const inhibit = spec.inhibitRules;
    return {
      scope: 'namespace',
      route: readRoute(spec.route, ['spec', 'route'], root, true),
      receivers: readReceivers(spec.receivers, ['spec', 'receivers']),
      hasInhibitRules: Array.isArray(inhibit) && inhibit.length > 0,
    };
  }
  return undefined;
}

/** Every route of the tree, depth first, the root included. */
export function allRoutes(route: Route | undefined): Route[] {
  return route ? [route, ...route.routes.flatMap(allRoutes)] : [];
}

/**
 * The routes that deliver to a pager receiver and can receive alerts; undefined when the
 * configuration has no route tree or no pager at all (then the pager rules do not apply).
 */
export function pagerRoutes(
  view: AlertmanagerView | undefined,
): (Route & { receiver: string })[] | undefined {
  const pagers = new Set(view?.receivers.filter((r) => r.isPager).map((r) => r.name));
  if (!view?.route || pagers.size === 0) return undefined;
  return allRoutes(view.route).filter(
    (route): route is Route & { receiver: string } =>
      route.receiver !== undefined && pagers.has(route.receiver) && canReceive(route),
  );
}

/** Whether labels satisfy every matcher (an absent label reads as ""). */
export function matchesAll(matchers: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.every((m) => admits([m], m.name, labels[m.name]));
}

/** The routes an alert with `labels` is delivered by, as Alertmanager's dispatcher picks them. */
export function matchRoutes(route: Route, labels: Readonly<Record<string, string>>): Route[] {
  if (!matchesAll(route.matchers, labels)) return [];
  const all: Route[] = [];
  for (const child of route.routes) {
    const matched = matchRoutes(child, labels);
    all.push(...matched);
    if (matched.length > 0 && !child.continue) break;
  }
  return all.length > 0 ? all : [route];
}

/** A route delivers only what no child takes: a child without matchers takes everything. */
export function canReceive(route: Route): boolean {
  return !route.routes.some((child) => child.matchers.length === 0);
}
