/**
 * The package as users get it: `npm pack`, then `npm install --omit=dev` of the tarball into an
 * empty prefix, then every command run from there — the check that catches a file the package
 * leaves out (it once shipped without data/, and `cost` failed) or a dev-only import in dist/.
 * Needs dist/ (npm test builds it first) and the npm registry for the dependencies.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { requirePlatform } from '../../testenv/harness.ts';
import { REPO_ROOT } from '../../testenv/paths.ts';

const work = mkdtempSync(join(tmpdir(), 'hindsight-pack-'));
const prefix = join(work, 'prefix');
let bin = '';
// The user's node (24) first on PATH, then the rest: npm runs with it, and so does hindsight.
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, NO_COLOR: '1' };

before(() => {
  assert.ok(
    existsSync(join(REPO_ROOT, 'dist', 'cli', 'bin.js')),
    'dist/ is missing: run npm run build first',
  );
  // prepack builds; the suite has just built, so skip it here.
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], {
    cwd: REPO_ROOT,
    env,
    stdio: 'pipe',
  });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack wrote no tarball');
  execFileSync(
    'npm',
    [
      'install',
      '--omit=dev',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--prefix',
      prefix,
      join(work, tarball),
    ],
    { env, stdio: 'pipe', timeout: 300_000 },
  );
  bin = join(prefix, 'node_modules', '.bin', 'hindsight');
});
after(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[], extraEnv: Record<string, string> = {}) {
  const r = spawnSync(bin, args, {
    cwd: work,
    env: { ...env, HOME: work, ...extraEnv },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the tarball holds what commands read and no test helpers', () => {
  const installed = join(prefix, 'node_modules', 'hindsight');
  for (const path of [
    'data/aws/ec2-instance-types.json',
    'LICENSE',
    'CHANGELOG.md',
    'README.md',
    'dist/cli/bin.js',
  ])
    assert.ok(existsSync(join(installed, path)), `${path} is in the package`);
  assert.ok(!existsSync(join(installed, 'dist', 'testing')), 'src/testing is not built into dist/');
  assert.ok(!existsSync(join(installed, 'node_modules', '@peculiar')), 'no dev dependency is installed');
  const files = readdirSync(join(installed, 'dist'), { recursive: true }).map(String);
  assert.deepEqual(
    files.filter((f) =>
      /\.test\.js$|fixtures|test-pki|rule-tester|run-cli|synthetic-history|test-servers/.test(f),
    ),
    [],
  );
});

test('installed with --omit=dev: version, rules, explain, scan, fix, certs and cost work', () => {
  const version = run(['version']);
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /^hindsight \d+\.\d+\.\d+/);
  assert.equal(run(['rules']).code, 0);
  assert.match(run(['explain', 'container-privileged']).stdout, /Lesson:/);

  const repo = join(REPO_ROOT, 'examples', 'repo');
  const scan = run(['scan', repo, '-q']);
  assert.equal(scan.code, 0, scan.stderr);
  assert.match(scan.stdout, /\d+ findings: /);

  const copy = join(work, 'fixme.yaml');
  writeFileSync(
    copy,
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a, namespace: b}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n      containers:\n        - name: a\n          image: registry.example.com/a:1.0.0\n',
  );
  const fix = run(['fix', '--dry-run', copy]);
  assert.equal(fix.code, 0, fix.stderr);
  assert.match(fix.stdout, /allowPrivilegeEscalation: false/);

  const certs = run(['certs', join(REPO_ROOT, 'examples')]);
  assert.ok(certs.code === 0 || certs.code === 1, certs.stderr);

  // cost reads data/aws: the file the package once left out.
  const snapshot = join(REPO_ROOT, 'examples', 'snapshot', 'cluster-snapshot.json');
  const cost = run(['cost', snapshot, '-o', 'json']);
  assert.equal(cost.code, 0, cost.stderr);
  assert.ok((JSON.parse(cost.stdout) as { now: { monthly: number } }).now.monthly > 0);
});

test('installed: alerts generate and lint (PromQL parsed by the installed grammar), dashboards generate', () => {
  const namespaces = join(work, 'namespaces.yaml');
  writeFileSync(
    namespaces,
    'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: shop}}\n',
  );
  const out = join(work, 'alerting');
  const generated = run(['alerts', 'generate', namespaces, '-o', out]);
  assert.equal(generated.code, 0, generated.stderr);
  // The metric names a Prometheus would have, as `alerts lint --prometheus` adds them.
  const names = join(work, 'metric-names.yaml');
  writeFileSync(
    names,
    'apiVersion: hindsight.dev/v1\nkind: PrometheusMetricNames\nmetadata: {name: prom}\nsource: http://prom:9090\nnames: [up]\n',
  );
  const lint = run(['alerts', 'lint', out, names, '-o', 'json']);
  assert.ok(lint.code === 0 || lint.code === 1, lint.stderr);
  const rules = (JSON.parse(lint.stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule);
  assert.ok(rules.includes('alert-rule-metric-not-scraped'), rules.join(', '));
  const dashboards = run(['dashboards', 'generate', '-o', join(work, 'dashboards')]);
  assert.equal(dashboards.code, 0, dashboards.stderr);
  assert.ok(readdirSync(join(work, 'dashboards')).length >= 5);
});

test('installed: the bundle finds its READMEs, its parse worker and zod', () => {
  const installed = join(prefix, 'node_modules', 'hindsight');
  // SARIF carries each rule's README (read from dist/rules/<id>/ by code in dist/chunks/).
  const sarif = run(['scan', join(REPO_ROOT, 'examples', 'repo', 'apps'), '-o', 'sarif']);
  assert.ok(sarif.code === 0 || sarif.code === 1, sarif.stderr);
  const rules = (
    JSON.parse(sarif.stdout) as { runs: { tool: { driver: { rules: { help: { markdown?: string } }[] } } }[] }
  ).runs[0]?.tool.driver.rules;
  assert.ok(
    rules?.some((r) => r.help.markdown?.includes('## Runbook')),
    'SARIF rules carry their READMEs',
  );
  assert.match(run(['explain', 'certificate-expired']).stdout, /## Runbook/);

  // Rule options in a configuration are validated with zod, loaded from the installed package.
  const config = join(work, 'options.yaml');
  writeFileSync(config, 'rules:\n  workload-pdb-missing:\n    options: {includeNonServing: maybe}\n');
  const refused = run(['scan', '--config', config, join(REPO_ROOT, 'examples', 'repo', 'apps')]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /workload-pdb-missing: includeNonServing/);

  // The YAML parse worker of large files: where the code looks for it, and it answers there.
  const worker = join(installed, 'dist', 'sources', 'manifests', 'parse-worker.js');
  assert.ok(existsSync(worker), 'dist/sources/manifests/parse-worker.js is in the package');
  const script = join(work, 'ask-worker.mjs');
  writeFileSync(
    script,
    `import { Worker } from 'node:worker_threads';
const w = new Worker(${JSON.stringify(worker)});
w.on('message', (m) => { console.log(JSON.stringify(m)); w.terminate(); });
w.on('error', (e) => { console.error(e); process.exit(3); });
w.postMessage({ id: 7, filename: 'a.yaml', chunks: [{ index: 0, line: 1, text: 'kind: ConfigMap\\nmetadata: {name: a}\\n' }] });
`,
  );
  const reply = spawnSync(process.execPath, [script], { cwd: installed, encoding: 'utf8', timeout: 60_000 });
  assert.equal(reply.status, 0, reply.stderr);
  const message = JSON.parse(reply.stdout) as { id: number; ok: boolean; parsed?: { documents: unknown[] } };
  assert.equal(message.id, 7);
  assert.ok(message.ok, reply.stdout);
  assert.equal(message.parsed?.documents.length, 1);
});

test('installed: snapshot, a live scan, the Helm releases, upgrade readiness and a migration plan of the real test platform', (t) => {
  const state = requirePlatform(t);
  if (!state) return;
  const file = join(work, 'snap.json');
  const snap = run(['snapshot', '-f', file], { KUBECONFIG: state.kubeconfig });
  assert.equal(snap.code, 0, snap.stderr);
  const scan = run(['scan', file, '-q']);
  assert.ok(scan.code === 0 || scan.code === 1, scan.stderr);
  const live = run(['scan', '-q', '-n', 'kube-system'], { KUBECONFIG: state.kubeconfig });
  assert.ok(live.code === 0 || live.code === 1, live.stderr);
  const helm = run(['helm'], { KUBECONFIG: state.kubeconfig });
  assert.ok(helm.code === 0 || helm.code === 1, helm.stderr);
  assert.match(helm.stdout, /releases|no Helm releases found/);
  const upgrade = run(['upgrade', '--to', '1.36'], { KUBECONFIG: state.kubeconfig });
  assert.ok(upgrade.code === 0 || upgrade.code === 1, upgrade.stderr);
  assert.match(upgrade.stdout, /^Upgrade 1\.35 → 1\.36: /m);
  // The shared platform runs no Flux: trace reads, finds nothing to trace, says so (exit 3).
  const trace = run(['trace', '--all'], { KUBECONFIG: state.kubeconfig });
  assert.equal(trace.code, 3, trace.stderr);
  assert.match(trace.stderr, /no Flux objects in the cluster/);
  // The live cluster against its own snapshot: a plan with its order, and verify at parity.
  const plan = run(['migrate', 'plan', '--from', 'hindsight-testenv', '--to', file], {
    KUBECONFIG: state.kubeconfig,
  });
  assert.ok(plan.code === 0 || plan.code === 1, plan.stderr);
  assert.match(plan.stdout, /^## Order$/m);
  const verify = run(['migrate', 'verify', '--from', file, '--to', file, '-o', 'json']);
  assert.ok(verify.code === 0 || verify.code === 1, verify.stderr);
  assert.ok((JSON.parse(verify.stdout) as { namespaces: unknown[] }).namespaces.length > 0);
});
