import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule, { likelyField } from './rule.ts';

const deployment = (podSpec: object, top: object = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    selector: { matchLabels: { app: 'api' } },
    template: { metadata: { labels: { app: 'api' } }, spec: podSpec },
  },
  ...top,
});
const container = (extra: object) => ({ containers: [{ name: 'app', image: 'app:1', ...extra }] });

test('object-field-unknown', () => {
  const cases: [string, object, string[]][] = [
    ['known fields', deployment(container({ securityContext: { runAsNonRoot: true } })), []],
    // misspelled, with the field meant
    [
      'misspelled security field',
      deployment(container({ securityContext: { allowPrivilegedEscalation: false } })),
      ['spec.template.spec.containers.0.securityContext.allowPrivilegedEscalation:allowPrivilegeEscalation'],
    ],
    // wrong case
    [
      'wrong case',
      deployment(container({ imagePullpolicy: 'Always' })),
      ['spec.template.spec.containers.0.imagePullpolicy:imagePullPolicy'],
    ],
    // a field at the wrong level: replicas in the pod template
    ['wrong level', deployment({ ...container({}), replicas: 2 }), ['spec.template.spec.replicas:']],
    // inside a map of models (volumes are a list; limits are a map of quantities: values only)
    [
      'map values are not fields',
      deployment(container({ resources: { limits: { 'example.com/gpu': 1 } } })),
      [],
    ],
    // free-form maps are not checked
    ['labels', { ...deployment(container({})), metadata: { name: 'api', labels: { whatever: 'x' } } }, []],
    // status is the cluster's
    ['status', deployment(container({}), { status: { somethingNew: 1 } }), []],
    // objects read from a cluster were accepted by it
    [
      'live object',
      {
        ...deployment(container({ futureField: true })),
        metadata: { name: 'api', uid: 'u', resourceVersion: '1' },
      },
      [],
    ],
    // beta and custom apiVersions are not judged here
    [
      'custom resource',
      { apiVersion: 'karpenter.sh/v1', kind: 'NodePool', metadata: { name: 'x' }, spec: { foo: 1 } },
      [],
    ],
  ];
  for (const [name, object, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object]).map(
        (f) => `${(f.path ?? []).join('.')}:${/did you mean (\w+)\?/.exec(f.message)?.[1] ?? ''}`,
      ),
      expected,
      name,
    );
  }
});

test('object-field-unknown names the schema release and the likely field', () => {
  const [finding] = checkRule(rule, [deployment(container({ livenesProbe: {} }))]);
  assert.match(
    finding?.message ?? '',
    /^spec\.template\.spec\.containers\[0\]\.livenesProbe is not a field of Container \(Kubernetes OpenAPI release-1\.\d+\)/,
  );
  assert.match(finding?.message ?? '', /did you mean livenessProbe\?/);
  assert.equal(likelyField('completelyDifferent', ['image', 'name']), undefined);
  assert.equal(likelyField('nmae', ['image', 'name']), 'name');
});

test('object-field-unknown with --target-version: a field newer than that release is unknown there', () => {
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'api', namespace: 'shop' },
    spec: { selector: { app: 'api' }, ports: [{ port: 80 }], trafficDistribution: 'PreferClose' },
  };
  // Kubernetes 1.29 has no trafficDistribution (1.30 added it); 1.30 and later know it.
  const [old] = checkRule(rule, [service], { targetVersion: '1.29' });
  assert.equal(old?.path?.join('.'), 'spec.trafficDistribution');
  assert.match(old?.message ?? '', /not a field of ServiceSpec in Kubernetes 1\.29 \(--target-version\):/);
  // Missing from later releases too: said once, with the newest release read that lacks it.
  const [older] = checkRule(rule, [service], { targetVersion: '1.28' });
  assert.match(older?.message ?? '', /in Kubernetes 1\.28 \(--target-version\), nor in 1\.29:/);
  assert.deepEqual(checkRule(rule, [service], { targetVersion: '1.30' }), []);
  assert.deepEqual(checkRule(rule, [service]), []);
  // Inside a pod template too: an image volume needs 1.31 or later.
  const withImageVolume = deployment({
    ...container({}),
    volumes: [{ name: 'm', image: { reference: 'x:1' } }],
  });
  assert.equal(
    checkRule(rule, [withImageVolume], { targetVersion: '1.30' })[0]?.path?.join('.'),
    'spec.template.spec.volumes.0.image',
  );
});
