import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const workload = (kind: string, containers: object[]) => ({
  apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1',
  kind,
  metadata: { name: 'api', namespace: 'shop' },
  spec: { template: { metadata: { labels: { app: 'api' } }, spec: { containers } } },
});
const http = { name: 'http', containerPort: 8080 };
const probe = { httpGet: { path: '/readyz', port: 'http' } };
const service = (ports: object[], selector: object | null = { app: 'api' }) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'api', namespace: 'shop' },
  spec: { ...(selector ? { selector } : {}), ports },
});

test('container-readiness-probe-missing', () => {
  const cases: [string, object[], string[]][] = [
    // a port and a readiness probe
    ['probed', [workload('Deployment', [{ name: 'app', ports: [http], readinessProbe: probe }])], []],
    // a port and no probe
    ['port, no probe', [workload('Deployment', [{ name: 'app', ports: [http] }])], ['missing']],
    // liveness alone does not gate traffic
    [
      'liveness only',
      [workload('Deployment', [{ name: 'app', ports: [http], livenessProbe: probe }])],
      ['missingWithLiveness'],
    ],
    // a startup probe alone does not either
    [
      'startup only',
      [workload('Deployment', [{ name: 'app', ports: [http], startupProbe: probe }])],
      ['missing'],
    ],
    // a metrics-only port is not serving
    [
      'metrics port',
      [workload('Deployment', [{ name: 'app', ports: [{ name: 'metrics', containerPort: 9090 }] }])],
      [],
    ],
    // no port and no Service: a worker
    ['worker', [workload('Deployment', [{ name: 'app' }])], []],
    // no port, but a Service targets the only container by number
    [
      'service by number',
      [workload('Deployment', [{ name: 'app' }]), service([{ port: 80, targetPort: 8080 }])],
      ['missing'],
    ],
    // a Service without selector sends no traffic to these pods
    [
      'service without selector',
      [workload('Deployment', [{ name: 'app' }]), service([{ port: 80, targetPort: 8080 }], null)],
      [],
    ],
    // a metrics Service does not make the pod serving
    [
      'metrics service',
      [
        workload('Deployment', [{ name: 'app' }]),
        service([{ name: 'metrics', port: 9090, targetPort: 9090 }]),
      ],
      [],
    ],
    // two containers, the Service targets the sidecar's named port: only it is checked
    [
      'service by name',
      [
        workload('Deployment', [
          { name: 'app', readinessProbe: probe },
          { name: 'proxy', ports: [{ name: 'https', containerPort: 8443 }] },
        ]),
        service([{ port: 443, targetPort: 'https' }]),
      ],
      ['missing'],
    ],
    // Jobs and DaemonSets are not serving workloads here
    ['job', [workload('Job', [{ name: 'app', ports: [http] }])], []],
    ['daemonset', [workload('DaemonSet', [{ name: 'app', ports: [http] }])], []],
  ];
  for (const [name, objects, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, objects).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('container-readiness-probe-missing: the fix copies the liveness check', () => {
  const liveness = { httpGet: { path: '/health', port: 'http' }, periodSeconds: 10 };
  const [finding] = checkRule(rule, [
    workload('Deployment', [{ name: 'app', ports: [http], livenessProbe: liveness }]),
  ]);
  assert.deepEqual(finding?.fix?.edits, [
    { op: 'set', path: ['spec', 'template', 'spec', 'containers', 0, 'readinessProbe'], value: liveness },
  ]);
  assert.match(finding?.message ?? '', /port http\/8080/);
  const [noFix] = checkRule(rule, [workload('Deployment', [{ name: 'app', ports: [http] }])]);
  assert.equal(noFix?.fix, undefined, 'no probe to copy: the right check is the team’s to write');
});
