/**
 * Generated VPA, Karpenter and KEDA objects are created (server-side dry run) on the real test
 * platform, whose API server validates them against the upstream CRDs' schemas; a deliberately
 * broken object is rejected the same way, so the check can fail. Event-source detection is
 * table-tested.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ApiClient, platformClient } from '../../testenv/apply.ts';
import { requirePlatform } from '../../testenv/harness.ts';
import { cpuQuantity, memoryQuantity } from '../core/quantity.ts';
import { buildNodePool, diversifyFamilies } from './karpenter.ts';
import { buildScaledObject, detectEventSource } from './keda.ts';
import { buildVpa } from './vpa.ts';

const MiB = 2 ** 20;

function plural(kind: string): string {
  return `${kind.toLowerCase()}${kind.endsWith('s') ? 'es' : 's'}`;
}

/** POST with ?dryRun=All: the API server validates and admits, nothing is stored. */
async function dryRunCreate(client: ApiClient, object: Record<string, unknown>) {
  const [group, version] = String(object.apiVersion).split('/') as [string, string];
  const meta = object.metadata as { namespace?: string };
  const ns = meta.namespace ? `/namespaces/${meta.namespace}` : '';
  const path = `/apis/${group}/${version}${ns}/${plural(String(object.kind))}?dryRun=All&fieldValidation=Strict`;
  return client.send('POST', path, object);
}

test('quantities are written the way people write them', () => {
  assert.equal(cpuQuantity(0.25), '250m');
  assert.equal(cpuQuantity(2), '2');
  assert.equal(cpuQuantity(0.0001), '1m'); // never zero: a zero floor means no floor
  assert.equal(memoryQuantity(300 * MiB), '300Mi');
  assert.equal(memoryQuantity(2048 * MiB), '2Gi');
  assert.equal(memoryQuantity(300 * MiB + 1), '301Mi'); // rounded up, never below the recommendation
});

test('event sources come from the worker environment, and nothing is invented', () => {
  const rows: Array<[string, Array<{ name: string; value?: string }>, string | undefined]> = [
    [
      'SQS queue URL',
      [{ name: 'JOBS_QUEUE', value: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs' }],
      'aws-sqs-queue',
    ],
    [
      'Kafka brokers and topic',
      [
        { name: 'KAFKA_BROKERS', value: 'kafka:9092' },
        { name: 'KAFKA_TOPIC', value: 'orders' },
      ],
      'kafka',
    ],
    ['Kafka without a topic', [{ name: 'KAFKA_BROKERS', value: 'kafka:9092' }], undefined],
    [
      'RabbitMQ',
      [
        { name: 'AMQP_URL', value: 'amqp://rabbit:5672' },
        { name: 'RABBITMQ_QUEUE', value: 'emails' },
      ],
      'rabbitmq',
    ],
    [
      'Redis list',
      [
        { name: 'REDIS_ADDR', value: 'redis:6379' },
        { name: 'REDIS_LIST', value: 'jobs' },
      ],
      'redis',
    ],
    ['plain web app', [{ name: 'PORT', value: '8080' }], undefined],
    ['value from a Secret (no literal)', [{ name: 'KAFKA_BROKERS' }, { name: 'KAFKA_TOPIC' }], undefined],
  ];
  for (const [why, env, type] of rows) assert.equal(detectEventSource(env)?.type, type, why);
  assert.equal(
    detectEventSource([{ name: 'Q', value: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs' }])
      ?.metadata.awsRegion,
    'eu-west-1',
  );
});

test('spot diversification widens the plan to at least four families', () => {
  assert.deepEqual(diversifyFamilies(['m7i'], ['m7i', 'm6i', 'c7i', 'r7i', 'm5']), [
    'c7i',
    'm6i',
    'm7i',
    'r7i',
  ]);
  assert.deepEqual(diversifyFamilies(['a', 'b', 'c', 'd', 'e'], ['f']), ['a', 'b', 'c', 'd', 'e']);
});

test('a VPA cannot target what it cannot scale', () => {
  assert.throws(
    () => buildVpa({ workload: { namespace: 'a', kind: 'Pod', name: 'x' }, containers: [] }),
    /cannot target a Pod/,
  );
});

test('generated objects pass the real CRD schemas on the API server; a broken one does not', async (t) => {
  const state = requirePlatform(t);
  if (!state) return;
  const client = platformClient(state);
  try {
    const ns = await client.send('POST', '/api/v1/namespaces', { metadata: { name: 'hindsight-generated' } });
    assert.ok(ns.status < 300 || ns.status === 409, ns.body);
    const objects = [
      buildVpa({
        workload: { namespace: 'hindsight-generated', kind: 'Deployment', name: 'api' },
        containers: [
          { container: 'api', requests: { cpu: 0.2, memory: 300 * MiB } },
          { container: 'sidecar', requests: {} },
        ],
      }),
      ...buildNodePool({
        name: 'general',
        clusterName: 'prod',
        families: ['c7i', 'm6i', 'm7i', 'r7i'],
        architectures: ['amd64'],
        capacityTypes: ['spot', 'on-demand'],
        cpu: 123.4,
        memory: 500 * 2 ** 30,
      }),
      buildScaledObject({
        workload: { namespace: 'hindsight-generated', kind: 'Deployment', name: 'worker' },
        maxReplicas: 4,
        source:
          detectEventSource([
            { name: 'Q', value: 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs' },
          ]) ?? assert.fail('no source'),
      }),
    ];
    for (const object of objects) {
      const res = await dryRunCreate(client, object);
      assert.ok(
        res.status === 201 || res.status === 200,
        `${object.kind}: HTTP ${res.status}: ${res.body.slice(0, 400)}`,
      );
    }
    const [nodePool] = buildNodePool({
      name: 'broken',
      clusterName: 'prod',
      families: ['m7i'],
      architectures: ['amd64'],
      capacityTypes: ['spot'],
      cpu: 1,
      memory: 2 ** 30,
    });
    assert.ok(nodePool);
    (nodePool.spec as { disruption: { consolidationPolicy: string } }).disruption.consolidationPolicy =
      'Sometimes';
    const rejected = await dryRunCreate(client, nodePool as Record<string, unknown>);
    assert.equal(rejected.status, 422, rejected.body.slice(0, 300));
    assert.match(rejected.body, /consolidationPolicy/);
  } finally {
    client.close();
  }
});
