import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const node = (name: string, taints: object[] = [], labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/os': 'linux', ...labels } },
  spec: { taints },
});
const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
const pod = (nodeName: string, phase = 'Running') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `api-${nodeName}`, namespace: 'shop' },
  spec: { nodeName, containers: [{ name: 'api', image: 'ghcr.io/example/api:1.0.0' }] },
  status: { phase },
});
const collector = (image: string, podSpec: object = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'collector', namespace: 'logging' },
  spec: { template: { spec: { containers: [{ name: 'c', image }], ...podSpec } } },
});
const kubeProxy = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'kube-proxy', namespace: 'kube-system' },
  spec: {
    template: { spec: { containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.31.0' }] } },
  },
};
const collectorPod = (nodeName: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: `promtail-${nodeName}`,
    namespace: 'logging',
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'promtail', controller: true }],
  },
  spec: { nodeName, containers: [{ name: 'promtail', image: 'grafana/promtail:3.0.0' }] },
  status: { phase: 'Running' },
});
const gpuTaint = { key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' };

test('namespace-not-logged', () => {
  const cases: [string, object[], string[]][] = [
    // files: no Nodes, not judged
    ['files', [namespace, pod('a')], []],
    ['no collector', [node('a'), namespace, pod('a'), kubeProxy], ['noCollector']],
    // no DaemonSet and no node agent's pod in the scan: not collected, so unknown
    ['no agents in the scan', [node('a'), namespace, pod('a')], []],
    ['no running pods', [node('a'), namespace, pod('a', 'Succeeded'), kubeProxy], []],
    // only pods: a collector DaemonSet's pod runs on the node
    ['collector pod', [node('a'), namespace, pod('a'), collectorPod('a')], []],
    [
      'collector pod elsewhere',
      [node('a'), node('b'), namespace, pod('a'), collectorPod('b')],
      ['nodesNotCovered'],
    ],
    // a pod shipping its own logs with a sidecar
    [
      'sidecar',
      [
        node('a'),
        namespace,
        {
          ...pod('a'),
          spec: {
            nodeName: 'a',
            containers: [{ name: 'app' }, { name: 'logs', image: 'fluent/fluent-bit:3.1' }],
          },
        },
        kubeProxy,
      ],
      [],
    ],
    // no Namespace object: the first running pod speaks for its namespace
    [
      'no namespace object',
      [node('a'), pod('a'), { ...pod('a'), metadata: { name: 'api-z', namespace: 'shop' } }, kubeProxy],
      ['noCollector'],
    ],
    ['alloy', [node('a'), namespace, pod('a'), collector('grafana/alloy:v1.4.0')], []],
    ['vector', [node('a'), namespace, pod('a'), collector('timberio/vector:0.41.1-distroless-libc')], []],
    [
      'otel collector',
      [node('a'), namespace, pod('a'), collector('otel/opentelemetry-collector-contrib:0.110.0')],
      [],
    ],
    // some other `agent` image is not a log collector
    ['unknown agent', [node('a'), namespace, pod('a'), collector('example/agent:1')], ['noCollector']],
    [
      'tainted node',
      [node('a', [gpuTaint]), namespace, pod('a'), collector('grafana/promtail:3.0.0')],
      ['nodesNotCovered'],
    ],
    [
      'tolerates everything',
      [
        node('a', [gpuTaint]),
        namespace,
        pod('a'),
        collector('grafana/promtail:3.0.0', { tolerations: [{ operator: 'Exists' }] }),
      ],
      [],
    ],
    // a node-state taint every DaemonSet tolerates
    [
      'not-ready',
      [
        node('a', [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]),
        namespace,
        pod('a'),
        collector('fluent/fluent-bit:3.1'),
      ],
      [],
    ],
    // the collector's nodeSelector leaves out the Windows node
    [
      'nodeSelector',
      [
        node('a', [], { 'kubernetes.io/os': 'windows' }),
        namespace,
        pod('a'),
        collector('fluent/fluent-bit:3.1', { nodeSelector: { 'kubernetes.io/os': 'linux' } }),
      ],
      ['nodesNotCovered'],
    ],
    // pods on the covered node only
    [
      'covered node',
      [node('a'), node('b', [gpuTaint]), namespace, pod('a'), collector('grafana/promtail:3.0.0')],
      [],
    ],
  ];
  for (const [name, objects, expected] of cases)
    assert.deepEqual(
      checkRule(rule, objects).map((f) => f.messageId),
      expected,
      name,
    );
});
