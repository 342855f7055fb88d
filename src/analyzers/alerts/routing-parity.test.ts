/**
 * hindsight's reading of Alertmanager routing (core/alertmanager-config: matchers, legacy
 * match/match_re, `continue`, inherited receivers) against Alertmanager's own, `amtool config
 * routes test`, on the same files and the same alerts. The lint rules (pages-non-critical,
 * route-unreachable, receiver-unused, …) stand on this reading; a difference here is a wrong
 * finding there.
 *
 * Configurations: every alertmanager.yaml among the rules' fixtures that amtool loads, the
 * generated one (`alerts generate`), and one written to hold the matcher syntax's corners
 * (several matchers in one string, braces, quoted commas and escapes, regex anchoring, absent
 * labels, nested `continue`). Alerts: label sets drawn, with a fixed seed, from the values the
 * configuration's own matchers name, plus values none names, plus absent labels.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { dump, load } from 'js-yaml';
import { allRoutes, matchRoutes, readAlertmanagerView } from '../../core/alertmanager-config.ts';
import { configurationFromFile } from '../../sources/manifests/alertmanager-configuration.ts';
import { amtool } from '../../testing/amtool.ts';
import { alertmanagerYaml } from './alert-routing.ts';

const run = promisify(execFile);
const RULES = join(import.meta.dirname, '..', '..', 'rules');
const dir = mkdtempSync(join(tmpdir(), 'hindsight-routing-'));

/** The matcher syntax's corners, in one route tree. */
const CORNERS = `
route:
  receiver: root
  routes:
    - matchers: ['{severity="critical", team=~"a|b"}']
      receiver: critical-ab
      continue: true
    - matchers: ['severity=critical,team=c']
      receiver: critical-c
    - matchers: ['msg="a,b"', 'x!~"y.*"']
      receiver: quoted-comma
    - matchers: ['msg="say \\"hi\\""']
      receiver: escaped
    - matchers: ['absent=""']
      receiver: absent
      routes:
        - match: {team: a}
          receiver: legacy-a
        - match_re: {team: 'b|c'}
          receiver: legacy-bc
          continue: true
        - receiver: critical-ab
    - matchers: [team=~a, env!=prod]
      receiver: unquoted
      routes:
        - matchers: ['env=~"sta.*"']
          continue: true
          routes:
            - matchers: [severity!~"info|none"]
              receiver: staging-loud
        - receiver: quoted-comma
    - matchers: ['{env="dev"']
      receiver: half-brace
    - matchers: ['severity=""']
      receiver: no-severity
receivers:
  - name: root
  - name: critical-ab
  - name: critical-c
  - name: quoted-comma
  - name: escaped
  - name: absent
  - name: legacy-a
  - name: legacy-bc
  - name: unquoted
  - name: staging-loud
  - name: no-severity
  - name: half-brace
`;

function generated(): string {
  return dump(
    alertmanagerYaml({
      teams: [
        { team: 'payments', namespaces: ['payments', 'payments-jobs'] },
        { team: 'search', namespaces: ['search'] },
      ],
      channel: 'slack',
      pager: 'pagerduty',
      alertTeamLabel: 'team',
      secretsDir: '/etc/alertmanager/secrets/alerting',
      secretName: 'alerting',
    }),
  );
}

function fixtureFiles(): string[] {
  const out: string[] = [];
  for (const rule of readdirSync(RULES)) {
    if (!rule.startsWith('alertmanager-')) continue;
    for (const kind of ['valid', 'invalid']) {
      const file = join(RULES, rule, 'fixtures', kind, 'alertmanager.yaml');
      if (existsSync(file)) out.push(file);
    }
  }
  return out;
}

/** A small deterministic generator (mulberry32), so a failure names a reproducible alert. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values worth trying per label: what the matchers name (regex alternatives split), and others. */
function valuePools(view: NonNullable<ReturnType<typeof readAlertmanagerView>>): Map<string, string[]> {
  const pools = new Map<string, Set<string>>();
  for (const route of allRoutes(view.route))
    for (const m of route.matchers) {
      let pool = pools.get(m.name);
      if (!pool) {
        pool = new Set(['other']);
        pools.set(m.name, pool);
      }
      pool.add(m.value);
      if (m.op === '=~' || m.op === '!~')
        for (const part of m.value.split('|'))
          pool.add(part.replace(/\.\*$/, 'ging').replace(/[\\^$()[\]]/g, ''));
    }
  pools.set('alertname', new Set([...(pools.get('alertname') ?? []), 'Custom']));
  return new Map([...pools].map(([k, v]) => [k, [...v]]));
}

function labelSets(pools: Map<string, string[]>, count: number, seed: number): Record<string, string>[] {
  const next = random(seed);
  const sets: Record<string, string>[] = [{}];
  for (let i = 1; i < count; i++) {
    const labels: Record<string, string> = {};
    for (const [name, values] of pools) {
      if (next() < 0.35) continue; // absent
      const value = values[Math.floor(next() * values.length)] as string;
      if (value !== '') labels[name] = value;
    }
    sets.push(labels);
  }
  return sets;
}

async function amtoolReceivers(tool: string, file: string, labels: Record<string, string>): Promise<string> {
  const args = ['config', 'routes', 'test', `--config.file=${file}`];
  for (const [k, v] of Object.entries(labels)) args.push(`${k}=${JSON.stringify(v)}`);
  const { stdout } = await run(tool, args, { timeout: 30_000 });
  return stdout.trim();
}

/** Runs `work` over `items`, a few at a time. */
async function pool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i] as T);
      }
    }),
  );
  return out;
}

test('hindsight routes every alert to the receivers amtool does, on every configuration of the corpus', async (t) => {
  const tool = amtool(t);
  if (!tool) return;
  const configs: { name: string; file: string }[] = [];
  const corners = join(dir, 'corners.yaml');
  writeFileSync(corners, CORNERS);
  configs.push({ name: 'corners', file: corners });
  const gen = join(dir, 'generated.yaml');
  writeFileSync(gen, generated());
  configs.push({ name: 'generated', file: gen });
  for (const file of fixtureFiles()) configs.push({ name: relative(RULES, file), file });

  let compared = 0;
  const refused: string[] = [];
  for (const { name, file } of configs) {
    const check = await run(tool, ['check-config', file]).then(
      () => true,
      () => false,
    );
    if (!check) {
      refused.push(name);
      continue;
    }
    const record = load(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const view = readAlertmanagerView(configurationFromFile(record, file, undefined));
    assert.ok(view?.route, `${name}: hindsight read no route tree`);
    const sets = labelSets(valuePools(view), 40, compared + 1);
    const theirs = await pool(sets, 4, (labels) => amtoolReceivers(tool, file, labels));
    sets.forEach((labels, i) => {
      const ours = matchRoutes(view.route as NonNullable<typeof view.route>, labels)
        .map((r) => r.receiver ?? '')
        .join(',');
      assert.equal(ours, theirs[i], `${name}: alert ${JSON.stringify(labels)}`);
      compared++;
    });
  }
  t.diagnostic(
    `${compared} alerts over ${configs.length - refused.length} configurations; amtool refused ${refused.join(', ') || 'none'}`,
  );
  // The corpus is what it claims: the two written configurations and most fixtures were compared.
  assert.ok(!refused.includes('corners') && !refused.includes('generated'), `amtool refused ${refused}`);
  assert.ok(compared >= 40 * (configs.length - refused.length), `${compared} alerts compared`);
  assert.ok(
    configs.length - refused.length >= 8,
    `only ${configs.length - refused.length} configurations loaded`,
  );
});
