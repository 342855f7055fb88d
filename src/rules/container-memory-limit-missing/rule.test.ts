import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const deployment = (resources?: object, podResources?: object) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    template: {
      metadata: { labels: { app: 'api' } },
      spec: {
        containers: [{ name: 'app', image: 'app:1', ...(resources ? { resources } : {}) }],
        ...(podResources ? { resources: podResources } : {}),
      },
    },
  },
});
const limitRange = (item: object) => ({
  apiVersion: 'v1',
  kind: 'LimitRange',
  metadata: { name: 'defaults', namespace: 'shop' },
  spec: { limits: [{ type: 'Container', ...item }] },
});

test('container-memory-limit-missing', () => {
  const cases: [string, object[], string[]][] = [
    // a memory limit written
    ['memory limit', [deployment({ limits: { memory: '512Mi' } })], []],
    // a CPU limit is not a memory limit
    ['cpu limit only', [deployment({ limits: { cpu: '1' } })], ['missing']],
    // nothing at all
    ['nothing', [deployment()], ['missing']],
    // a request but no limit: the message names the request
    ['request only', [deployment({ requests: { memory: '1Gi' } })], ['missingAboveRequest']],
    // a LimitRange default limit applies at admission
    ['limit range default', [deployment(), limitRange({ default: { memory: '512Mi' } })], []],
    // a LimitRange max becomes the default limit
    ['limit range max', [deployment(), limitRange({ max: { memory: '2Gi' } })], []],
    // a LimitRange defaultRequest alone sets no limit
    [
      'limit range request only',
      [deployment(), limitRange({ defaultRequest: { memory: '256Mi' } })],
      ['missing'],
    ],
    // a pod-level memory limit bounds the whole pod
    ['pod-level limit', [deployment(undefined, { limits: { memory: '1Gi' } })], []],
  ];
  for (const [name, objects, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, objects).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('container-memory-limit-missing names the request and points at resources', () => {
  const [finding] = checkRule(rule, [deployment({ requests: { memory: '1Gi' } })]);
  assert.match(finding?.message ?? '', /above its 1Gi request/);
  assert.deepEqual(finding?.path, ['spec', 'template', 'spec', 'containers', 0, 'resources']);
  assert.equal(
    finding?.fix,
    undefined,
    'no mechanical fix: a limit at the request could OOMKill a container using more',
  );
});
