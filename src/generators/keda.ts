/**
 * KEDA ScaledObjects for scale-to-zero candidates: workers that sit idle most of the time (the
 * seed: scale to zero where nothing needs to run). KEDA needs to know what wakes the worker, so
 * the trigger comes from the worker's own configuration — an SQS queue URL, a Kafka topic, a
 * RabbitMQ queue or a Redis list named in its environment. Without one, no ScaledObject is
 * written and the caller reports why: a ScaledObject with an invented trigger would scale a
 * real worker to zero and never wake it.
 */
import type { WorkloadKey } from '../core/usage-history.ts';

interface EnvVar {
  name: string;
  value?: string;
}

/** What wakes a worker, found in its containers' environment. */
export interface EventSource {
  type: 'aws-sqs-queue' | 'kafka' | 'rabbitmq' | 'redis';
  metadata: Record<string, string>;
  /** The variables it was read from, for the report. */
  from: string[];
}

function findVar(env: readonly EnvVar[], pattern: RegExp): EnvVar | undefined {
  return env.find((e) => pattern.test(e.name) && typeof e.value === 'string' && e.value.length > 0);
}

/** The event source of a worker, from literal env values; undefined when none is recognisable. */
export function detectEventSource(env: readonly EnvVar[]): EventSource | undefined {
  const sqs = env.find(
    (e) =>
      typeof e.value === 'string' && /^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com\/\d+\/[\w-]+/.test(e.value),
  );
  if (sqs?.value) {
    const region = /sqs\.([a-z0-9-]+)\.amazonaws/.exec(sqs.value)?.[1] ?? 'us-east-1';
    return {
      type: 'aws-sqs-queue',
      metadata: { queueURL: sqs.value, queueLength: '5', awsRegion: region, identityOwner: 'operator' },
      from: [sqs.name],
    };
  }
  const brokers = findVar(env, /KAFKA.*(BROKER|BOOTSTRAP)/i);
  const topic = findVar(env, /KAFKA.*TOPIC|^TOPIC$/i);
  const group = findVar(env, /(KAFKA.*)?(CONSUMER_?)?GROUP(_ID)?$/i);
  if (brokers?.value && topic?.value) {
    return {
      type: 'kafka',
      metadata: {
        bootstrapServers: brokers.value,
        topic: topic.value,
        consumerGroup: group?.value ?? topic.value,
        lagThreshold: '10',
      },
      from: [brokers.name, topic.name, ...(group ? [group.name] : [])],
    };
  }
  const amqp = env.find((e) => typeof e.value === 'string' && /^amqps?:\/\//.test(e.value));
  const queue = findVar(env, /(RABBIT|AMQP).*QUEUE|^QUEUE(_NAME)?$/i);
  if (amqp && queue?.value) {
    return {
      type: 'rabbitmq',
      metadata: { queueName: queue.value, mode: 'QueueLength', value: '5', hostFromEnv: amqp.name },
      from: [amqp.name, queue.name],
    };
  }
  const redis = findVar(env, /REDIS.*(ADDR|HOST)/i);
  const list = findVar(env, /(REDIS.*)?(LIST|QUEUE)(_NAME|_KEY)?$/i);
  if (redis?.value && list?.value) {
    return {
      type: 'redis',
      metadata: { address: redis.value, listName: list.value, listLength: '5' },
      from: [redis.name, list.name],
    };
  }
  return undefined;
}

export interface ScaledObjectInput {
  workload: WorkloadKey;
  maxReplicas: number;
  source: EventSource;
}

/** A ScaledObject that scales the worker between 0 and `maxReplicas` on its event source. */
export function buildScaledObject(input: ScaledObjectInput): Record<string, unknown> {
  const { workload, source } = input;
  if (workload.kind !== 'Deployment' && workload.kind !== 'StatefulSet')
    throw new Error(`KEDA scales Deployments and StatefulSets, not a ${workload.kind}`);
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: {
      name: workload.name,
      namespace: workload.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'hindsight' },
      annotations: { 'hindsight.dev/trigger-from': source.from.join(',') },
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: workload.kind, name: workload.name },
      minReplicaCount: 0,
      maxReplicaCount: Math.max(1, input.maxReplicas),
      cooldownPeriod: 300,
      pollingInterval: 30,
      triggers: [{ type: source.type, metadata: source.metadata }],
    },
  };
}
