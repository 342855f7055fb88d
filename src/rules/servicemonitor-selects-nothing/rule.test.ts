import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const service = (namespace = 'shop', labels = { app: 'api' }) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'api', namespace, labels },
  spec: { selector: { app: 'api' }, ports: [{ name: 'http-metrics', port: 9090 }] },
});
const serviceMonitor = (spec: object, namespace = 'shop') => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'ServiceMonitor',
  metadata: { name: 'api', namespace },
  spec: { endpoints: [{ port: 'http-metrics' }], ...spec },
});
const podMonitor = (spec: object) => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PodMonitor',
  metadata: { name: 'api', namespace: 'shop' },
  spec: { podMetricsEndpoints: [{ port: 'metrics' }], ...spec },
});
const daemonSet = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'shop' },
  spec: {
    template: {
      metadata: { labels: { app: 'agent' } },
      spec: { containers: [{ name: 'agent', ports: [{ name: 'metrics', containerPort: 9100 }] }] },
    },
  },
};
const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'ip-10-0-1-17' } };
const byApi = { matchLabels: { app: 'api' } };
const byWeb = { matchLabels: { app: 'web' } };

test('servicemonitor-selects-nothing', () => {
  const cases: [string, object[], string[]][] = [
    // selects the Service, on its port name
    ['selects', [serviceMonitor({ selector: byApi }), service()], []],
    // selects no Service of its namespace
    ['selects nothing', [serviceMonitor({ selector: byWeb }), service()], ['selectsNoService']],
    // the monitor alone: the scan holds no Service of shop, so it cannot tell
    ['monitor alone', [serviceMonitor({ selector: byWeb })], []],
    // matchNames: one named namespace has no Services in the scan
    [
      'one namespace unknown',
      [
        serviceMonitor(
          { selector: byWeb, namespaceSelector: { matchNames: ['shop', 'kube-system'] } },
          'monitoring',
        ),
        service(),
      ],
      [],
    ],
    // any: not judged from files
    ['any, files', [serviceMonitor({ selector: byWeb, namespaceSelector: { any: true } }), service()], []],
    // any: judged in a live scan
    [
      'any, live',
      [serviceMonitor({ selector: byWeb, namespaceSelector: { any: true } }), service(), node],
      ['selectsNoService'],
    ],
    // live: every namespace is known, an empty one too
    [
      'live, matchNames',
      [
        serviceMonitor({ selector: byWeb, namespaceSelector: { matchNames: ['shop'] } }, 'monitoring'),
        service(),
        node,
      ],
      ['selectsNoService'],
    ],
    // the endpoint names a port the Service does not have
    [
      'wrong port',
      [
        serviceMonitor({ selector: byApi, endpoints: [{ port: 'metrics' }, { port: 'http-metrics' }] }),
        service(),
      ],
      ['portNotFound'],
    ],
    // an endpoint by targetPort is not judged
    ['targetPort', [serviceMonitor({ selector: byApi, endpoints: [{ targetPort: 9090 }] }), service()], []],
    // no selector: not judged (the API server rejects it)
    ['no selector', [serviceMonitor({}), service()], []],
    // PodMonitor on a DaemonSet's pods
    ['podmonitor', [podMonitor({ selector: { matchLabels: { app: 'agent' } } }), daemonSet], []],
    ['podmonitor nothing', [podMonitor({ selector: byWeb }), daemonSet], ['selectsNoPods']],
    [
      'podmonitor port',
      [
        podMonitor({ selector: { matchLabels: { app: 'agent' } }, podMetricsEndpoints: [{ port: 'http' }] }),
        daemonSet,
      ],
      ['portNotFound'],
    ],
  ];
  for (const [name, objects, expected] of cases)
    assert.deepEqual(
      checkRule(rule, objects).map((f) => f.messageId),
      expected,
      name,
    );
});
