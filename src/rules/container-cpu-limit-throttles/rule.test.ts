import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../config/config.ts';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const deployment = (resources: object, ports = false, namespace = 'shop') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace },
  spec: {
    template: {
      metadata: { labels: { app: 'api' } },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'app:1',
            resources,
            ...(ports ? { ports: [{ name: 'http', containerPort: 8080 }] } : {}),
          },
        ],
      },
    },
  },
});
const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'api', namespace: 'shop' },
  spec: { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] },
};

test('container-cpu-limit-throttles', () => {
  const cases: [string, object[], [string, string][]][] = [
    // no CPU limit: nothing to throttle
    ['no limit', [deployment({ requests: { cpu: '500m' }, limits: { memory: '1Gi' } })], []],
    // limit = request below a core: tight, medium
    [
      'tight',
      [deployment({ requests: { cpu: '500m' }, limits: { cpu: '500m' } })],
      [['limitEqualsRequest', 'medium']],
    ],
    // a limit with no request: the request is the limit, so also tight
    ['limit only', [deployment({ limits: { cpu: '250m' } })], [['limitEqualsRequest', 'medium']]],
    // whole cores, not serving: low
    [
      'whole cores worker',
      [deployment({ requests: { cpu: '2' }, limits: { cpu: '2' } })],
      [['limit', 'low']],
    ],
    // limit above request, serving by port: medium
    [
      'serving by port',
      [deployment({ requests: { cpu: '500m' }, limits: { cpu: '2' } }, true)],
      [['servingLimit', 'medium']],
    ],
    // serving because a Service selects it
    [
      'serving by service',
      [deployment({ requests: { cpu: '500m' }, limits: { cpu: '2' } }), service],
      [['servingLimit', 'medium']],
    ],
    // a ResourceQuota on limits.cpu makes the limit mandatory: not flagged
    [
      'quota requires limits',
      [
        deployment({ requests: { cpu: '500m' }, limits: { cpu: '500m' } }),
        {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: { name: 'q', namespace: 'shop' },
          spec: { hard: { 'limits.cpu': '10' } },
        },
      ],
      [],
    ],
    // a quota elsewhere does not count
    [
      'quota in another namespace',
      [
        deployment({ requests: { cpu: '2' }, limits: { cpu: '2' } }),
        {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: { name: 'q', namespace: 'other' },
          spec: { hard: { 'limits.cpu': '10' } },
        },
      ],
      [['limit', 'low']],
    ],
  ];
  for (const [name, objects, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, objects).map((f) => [f.messageId, f.severity]),
      expected,
      name,
    );
  }
});

test('container-cpu-limit-throttles: each container is judged on its own port, not the first one', () => {
  const object = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'shop' },
    spec: {
      template: {
        metadata: { labels: { app: 'api' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'web:1',
              ports: [{ name: 'http', containerPort: 8080 }],
              resources: { requests: { cpu: '1' }, limits: { cpu: '2' } },
            },
            {
              name: 'log-shipper',
              image: 'shipper:1',
              resources: { requests: { cpu: '1' }, limits: { cpu: '2' } },
            },
            {
              name: 'admin',
              image: 'admin:1',
              ports: [{ containerPort: 9000 }],
              resources: { requests: { cpu: '1' }, limits: { cpu: '2' } },
            },
          ],
        },
      },
    },
  };
  assert.deepEqual(
    checkRule(rule, [object])
      .map((f) => [f.container, f.messageId, f.message.match(/\((port [^)]+)\)/)?.[1]])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    [
      ['admin', 'servingLimit', 'port 9000'],
      ['log-shipper', 'limit', undefined],
      ['web', 'servingLimit', 'port http/8080'],
    ],
  );
});

test('container-cpu-limit-throttles: the fix keeps the request', () => {
  const [withRequest] = checkRule(rule, [deployment({ requests: { cpu: '500m' }, limits: { cpu: '500m' } })]);
  assert.deepEqual(withRequest?.fix?.edits, [
    { op: 'remove', path: ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'cpu'] },
  ]);
  // Without a request, removing the limit would remove the (defaulted) request too: set it first.
  const [limitOnly] = checkRule(rule, [deployment({ limits: { cpu: '250m' } })]);
  assert.deepEqual(limitOnly?.fix?.edits, [
    {
      op: 'set',
      path: ['spec', 'template', 'spec', 'containers', 0, 'resources', 'requests', 'cpu'],
      value: '250m',
    },
    { op: 'remove', path: ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'cpu'] },
  ]);
  assert.match(limitOnly?.message ?? '', /which is also its request \(none is set\)/);
});

test('container-cpu-limit-throttles: no fix where a LimitRange would put the limit back', () => {
  const [finding] = checkRule(rule, [
    deployment({ requests: { cpu: '2' }, limits: { cpu: '2' } }),
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'defaults', namespace: 'shop' },
      spec: { limits: [{ type: 'Container', default: { cpu: '1' } }] },
    },
  ]);
  assert.equal(finding?.messageId, 'limit');
  assert.equal(finding?.fix, undefined);
});

test('container-cpu-limit-throttles: ignoreNamespaces', () => {
  const config = {
    ...DEFAULT_CONFIG,
    rules: { 'container-cpu-limit-throttles': { options: { ignoreNamespaces: ['batch'] } } },
  };
  const objects = [
    deployment({ limits: { cpu: '1' } }, false, 'batch'),
    deployment({ limits: { cpu: '1' } }, false, 'shop'),
  ];
  assert.deepEqual(
    checkRule(rule, objects, { config }).map((f) => f.ref.namespace),
    ['shop'],
  );
});
