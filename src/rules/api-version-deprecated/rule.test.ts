import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const obj = (apiVersion: string, kind: string, spec: object = {}, annotations?: Record<string, string>) => ({
  apiVersion,
  kind,
  metadata: { name: 'x', namespace: 'ns', ...(annotations ? { annotations } : {}) },
  spec,
});

test('api-version-deprecated', () => {
  const cases: [string, object, string | undefined, string[]][] = [
    // removed long before the target
    ['ingress extensions', obj('extensions/v1beta1', 'Ingress'), '1.35', ['removed']],
    // removed exactly at the target
    ['removed at target', obj('batch/v1beta1', 'CronJob'), '1.25', ['removed']],
    // deprecated but still served at the target
    ['deprecated', obj('batch/v1beta1', 'CronJob'), '1.21', ['deprecated']],
    // not yet deprecated at the target
    ['before deprecation', obj('batch/v1beta1', 'CronJob'), '1.20', []],
    // the target accepts kubectl-style versions
    [
      'v-prefixed target',
      obj('autoscaling/v2beta2', 'HorizontalPodAutoscaler'),
      'v1.26.3-eks-1',
      ['removed'],
    ],
    // no target: the newest release in the table
    ['no target', obj('resource.k8s.io/v1beta1', 'DeviceClass'), undefined, ['removed']],
    // current versions
    ['current', obj('apps/v1', 'Deployment'), '1.35', []],
    // CRDs ignore the Kubernetes target
    ['flux', obj('helm.toolkit.fluxcd.io/v2beta2', 'HelmRelease'), '1.20', ['removed']],
    ['karpenter', obj('karpenter.sh/v1beta1', 'NodePool'), '1.35', ['removed']],
    // last-applied annotation from a live object
    [
      'last applied',
      obj(
        'autoscaling/v2',
        'HorizontalPodAutoscaler',
        {},
        {
          'kubectl.kubernetes.io/last-applied-configuration':
            '{"apiVersion":"autoscaling/v2beta1","kind":"HorizontalPodAutoscaler"}',
        },
      ),
      '1.35',
      ['removedLastApplied'],
    ],
    // a broken annotation is ignored
    [
      'bad annotation',
      obj(
        'autoscaling/v2',
        'HorizontalPodAutoscaler',
        {},
        { 'kubectl.kubernetes.io/last-applied-configuration': '{nope' },
      ),
      '1.35',
      [],
    ],
  ];
  for (const [name, object, targetVersion, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object], targetVersion ? { targetVersion } : {}).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('api-version-deprecated fixes only pure renames', () => {
  const fixOf = (o: object) => checkRule(rule, [o], { targetVersion: '1.35' })[0]?.fix?.edits;
  // CronJob: same schema
  assert.deepEqual(fixOf(obj('batch/v1beta1', 'CronJob')), [
    { op: 'set', path: ['apiVersion'], value: 'batch/v1' },
  ]);
  // PDB with a selector: same meaning
  assert.deepEqual(
    fixOf(obj('policy/v1beta1', 'PodDisruptionBudget', { selector: { matchLabels: { app: 'a' } } })),
    [{ op: 'set', path: ['apiVersion'], value: 'policy/v1' }],
  );
  // PDB with an empty selector: v1 would select every pod in the namespace
  assert.equal(fixOf(obj('policy/v1beta1', 'PodDisruptionBudget', { selector: {} })), undefined);
  // Deployment without a selector: apps/v1 requires one
  assert.equal(fixOf(obj('extensions/v1beta1', 'Deployment')), undefined);
  // Ingress: backend shape changes
  assert.equal(fixOf(obj('networking.k8s.io/v1beta1', 'Ingress')), undefined);
  const [ingress] = checkRule(rule, [obj('networking.k8s.io/v1beta1', 'Ingress')], { targetVersion: '1.35' });
  assert.match(
    ingress?.message ?? '',
    /not a pure rename \(so no automatic fix\): networking\.k8s\.io\/v1 renames spec\.backend/,
  );
  // PSP: no replacement
  const [psp] = checkRule(rule, [obj('policy/v1beta1', 'PodSecurityPolicy')], { targetVersion: '1.35' });
  assert.match(
    psp?.message ?? '',
    /: no replacement API: enforce the Pod Security Standards with Pod Security Admission/,
  );
  assert.equal(psp?.fix, undefined);
});

test('api-version-deprecated says which target it used', () => {
  const [withTarget] = checkRule(rule, [obj('batch/v1beta1', 'CronJob')], { targetVersion: '1.35' });
  assert.equal(
    withTarget?.message,
    'batch/v1beta1 CronJob is not served since Kubernetes 1.25: change apiVersion to batch/v1; nothing else in this object changes',
  );
  const [noTarget] = checkRule(rule, [obj('batch/v1beta1', 'CronJob')]);
  assert.match(
    noTarget?.message ?? '',
    /no --target-version given: checked against 1\.\d+, the newest Kubernetes release hindsight knows/,
  );
  const [deprecated] = checkRule(rule, [obj('resource.k8s.io/v1beta1', 'DeviceClass')], {
    targetVersion: '1.35',
  });
  assert.equal(deprecated?.severity, 'medium');
});

test('api-version-deprecated: a DeviceClass moves to resource.k8s.io/v1 by its apiVersion alone', () => {
  const selectors = [{ cel: { expression: 'device.driver == "gpu.example.com"' } }];
  for (const apiVersion of ['resource.k8s.io/v1beta1', 'resource.k8s.io/v1alpha3']) {
    const [finding] = checkRule(rule, [obj(apiVersion, 'DeviceClass', { selectors })], {
      targetVersion: '1.38',
    });
    assert.match(
      finding?.message ?? '',
      /change apiVersion to resource\.k8s\.io\/v1; nothing else/,
      apiVersion,
    );
    assert.deepEqual(finding?.fix?.edits, [{ op: 'set', path: ['apiVersion'], value: 'resource.k8s.io/v1' }]);
  }
  // v1alpha3 of 1.31 had spec.suitableNodes, which v1 does not.
  const suitableNodes = { nodeSelectorTerms: [{ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }] };
  const [old] = checkRule(
    rule,
    [obj('resource.k8s.io/v1alpha3', 'DeviceClass', { selectors, suitableNodes })],
    {
      targetVersion: '1.34',
    },
  );
  assert.match(old?.message ?? '', /not a pure rename .*spec\.suitableNodes/);
  assert.equal(old?.fix, undefined);
  // Claims and slices change shape.
  const [claim] = checkRule(rule, [obj('resource.k8s.io/v1beta1', 'ResourceClaim')], {
    targetVersion: '1.38',
  });
  assert.match(claim?.message ?? '', /under exactly/);
  const [slice] = checkRule(rule, [obj('resource.k8s.io/v1beta1', 'ResourceSlice')], {
    targetVersion: '1.38',
  });
  assert.match(slice?.message ?? '', /basic wrapper/);
});
