import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const deployment = (spec: object = {}, namespace = 'shop') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace },
  spec: { template: { spec: { containers: [{ name: 'app', image: 'app:1' }], ...spec } } },
});

const serviceAccount = (name: string, automount?: unknown) => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: 'shop' },
  ...(automount !== undefined ? { automountServiceAccountToken: automount } : {}),
});

const livePod = (mounted: boolean, automount?: boolean) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'api-7d9f-x2k4p', namespace: 'shop' },
  spec: {
    nodeName: 'ip-10-0-1-2.ec2.internal',
    serviceAccountName: 'api',
    ...(automount !== undefined ? { automountServiceAccountToken: automount } : {}),
    containers: [
      {
        name: 'app',
        image: 'app:1',
        volumeMounts: mounted
          ? [
              {
                name: 'kube-api-access-abcde',
                mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
                readOnly: true,
              },
            ]
          : [],
      },
    ],
  },
  status: { phase: 'Running' },
});

const binding = (kind: 'RoleBinding' | 'ClusterRoleBinding', subject: object) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind,
  metadata: { name: 'api-reader', ...(kind === 'RoleBinding' ? { namespace: 'shop' } : {}) },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
  subjects: [subject],
});

test('service-account-token-automounted', () => {
  const cases: [string, object[], string[]][] = [
    // the pod opts out
    ['pod false', [deployment({ automountServiceAccountToken: false })], []],
    // the ServiceAccount opts out and the pod does not override
    ['sa false', [deployment({ serviceAccountName: 'api' }), serviceAccount('api', false)], []],
    // the default ServiceAccount is used when none is named
    ['default sa false', [deployment(), serviceAccount('default', false)], []],
    // the deprecated serviceAccount field names it too
    ['deprecated field', [deployment({ serviceAccount: 'api' }), serviceAccount('api', false)], []],
    // neither opts out
    [
      'sa unset',
      [deployment({ serviceAccountName: 'api' }), serviceAccount('api')],
      ['serviceAccountAllows'],
    ],
    [
      'sa true',
      [deployment({ serviceAccountName: 'api' }), serviceAccount('api', true)],
      ['serviceAccountAllows'],
    ],
    // the pod's true wins over the ServiceAccount's false
    [
      'pod true over sa false',
      [
        deployment({ serviceAccountName: 'api', automountServiceAccountToken: true }),
        serviceAccount('api', false),
      ],
      ['podEnables'],
    ],
    // the ServiceAccount is not in the scan: judge the pod alone, and say so
    ['sa unknown', [deployment({ serviceAccountName: 'api' })], ['serviceAccountUnknown']],
    // a ServiceAccount bound to a role is there to call the API
    [
      'role binding',
      [
        deployment({ serviceAccountName: 'api' }),
        binding('RoleBinding', { kind: 'ServiceAccount', name: 'api' }),
      ],
      [],
    ],
    [
      'cluster role binding',
      [
        deployment({ serviceAccountName: 'api' }),
        binding('ClusterRoleBinding', { kind: 'ServiceAccount', name: 'api', namespace: 'shop' }),
      ],
      [],
    ],
    // a binding of a namesake in another namespace does not count
    [
      'binding elsewhere',
      [
        deployment({ serviceAccountName: 'api' }),
        binding('ClusterRoleBinding', { kind: 'ServiceAccount', name: 'api', namespace: 'other' }),
      ],
      ['serviceAccountUnknown'],
    ],
    // manifests without a namespace: the ServiceAccount is looked up beside them, not in default
    [
      'no namespace, sa false',
      [
        { ...deployment({ serviceAccountName: 'api' }), metadata: { name: 'api' } },
        { ...serviceAccount('api', false), metadata: { name: 'api' } },
      ],
      [],
    ],
    [
      'no namespace, sa in another namespace',
      [
        { ...deployment({ serviceAccountName: 'api' }), metadata: { name: 'api' } },
        serviceAccount('api', false),
      ],
      ['serviceAccountUnknown'],
    ],
    // add-ons in kube-system talk to the API by design
    ['kube-system', [deployment({}, 'kube-system')], []],
    // a running pod shows whether the token was mounted
    ['live pod with token', [livePod(true)], ['mounted']],
    ['live pod without token', [livePod(false)], []],
    ['live pod forcing it', [livePod(true, true), serviceAccount('api', false)], ['podEnables']],
  ];
  for (const [name, objects, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, objects).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('service-account-token-automounted message and fix', () => {
  const [unknown] = checkRule(rule, [deployment()]);
  assert.match(unknown?.message ?? '', /ServiceAccount default unless that ServiceAccount disables it/);
  assert.match(unknown?.message ?? '', /judged on the pod alone/);
  assert.deepEqual(unknown?.fix?.edits, [
    { op: 'set', path: ['spec', 'template', 'spec', 'automountServiceAccountToken'], value: false },
  ]);
  const [override] = checkRule(rule, [
    deployment({ serviceAccountName: 'api', automountServiceAccountToken: true }),
    serviceAccount('api', false),
  ]);
  assert.match(override?.message ?? '', /true \(overriding the ServiceAccount's false\)/);
});

test('service-account-token-automounted ignoreNamespaces is an option', () => {
  const config = {
    rules: { 'service-account-token-automounted': { options: { ignoreNamespaces: ['shop'] } } },
    excludeNamespaces: [],
    exemptions: [],
  };
  assert.deepEqual(checkRule(rule, [deployment()], { config }), []);
  assert.equal(
    checkRule(rule, [deployment({}, 'kube-system')], { config }).length,
    1,
    'the default list is replaced',
  );
});
