import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const deployment = (annotations?: Record<string, string>, namespace = 'shop') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace },
  spec: {
    template: {
      metadata: { labels: { app: 'api' }, ...(annotations ? { annotations } : {}) },
      spec: {
        containers: [
          {
            name: 'api',
            ports: [
              { name: 'http', containerPort: 8080 },
              { name: 'metrics', containerPort: 9090 },
            ],
          },
        ],
      },
    },
  },
});
const service = (annotations?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: 'api',
    namespace: 'shop',
    labels: { team: 'core' },
    ...(annotations ? { annotations } : {}),
  },
  spec: {
    selector: { app: 'api' },
    ports: [
      { name: 'http', port: 80 },
      { name: 'http-metrics', port: 9090 },
    ],
  },
});
const monitor = (kind: string, spec: object, namespace = 'shop') => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind,
  metadata: { name: 'm', namespace },
  spec,
});
const prometheus = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'Prometheus',
  metadata: { name: 'k8s', namespace: 'monitoring' },
};

test('workload-not-scraped', () => {
  const cases: [string, object[], string[]][] = [
    // nothing in the scan says how scraping is set up
    ['no operator, no annotations', [deployment(), service()], []],
    // prometheus-operator present, nothing covers the Service
    ['operator, uncovered', [prometheus, deployment(), service()], ['serviceNotScraped']],
    // the same without a Service: named by its port
    ['operator, no Service', [prometheus, deployment()], ['portNotScraped']],
    // a ServiceMonitor on the Service's labels and port name
    [
      'servicemonitor',
      [
        deployment(),
        service(),
        monitor('ServiceMonitor', {
          selector: { matchLabels: { team: 'core' } },
          endpoints: [{ port: 'http-metrics' }],
        }),
      ],
      [],
    ],
    // a ServiceMonitor on the pods' labels selects no Service
    [
      'servicemonitor on pod labels',
      [
        deployment(),
        service(),
        monitor('ServiceMonitor', {
          selector: { matchLabels: { app: 'api' } },
          endpoints: [{ port: 'http-metrics' }],
        }),
      ],
      ['serviceNotScraped'],
    ],
    // the right labels, a container port name where a Service port name belongs
    [
      'servicemonitor, wrong port name',
      [
        deployment(),
        service(),
        monitor('ServiceMonitor', {
          selector: { matchLabels: { team: 'core' } },
          endpoints: [{ port: 'metrics' }],
        }),
      ],
      ['serviceNotScraped'],
    ],
    // another namespace's ServiceMonitor watching shop
    [
      'servicemonitor elsewhere, matchNames',
      [
        deployment(),
        service(),
        monitor(
          'ServiceMonitor',
          {
            namespaceSelector: { matchNames: ['shop'] },
            selector: {},
            endpoints: [{ port: 'http-metrics' }],
          },
          'monitoring',
        ),
      ],
      [],
    ],
    // another namespace's ServiceMonitor watching only its own namespace
    [
      'servicemonitor elsewhere, own namespace',
      [
        deployment(),
        service(),
        monitor('ServiceMonitor', { selector: {}, endpoints: [{ port: 'http-metrics' }] }, 'monitoring'),
      ],
      ['serviceNotScraped'],
    ],
    // a PodMonitor on the pod labels and container port name
    [
      'podmonitor',
      [
        deployment(),
        service(),
        monitor(
          'PodMonitor',
          {
            namespaceSelector: { any: true },
            selector: { matchLabels: { app: 'api' } },
            podMetricsEndpoints: [{ port: 'metrics' }],
          },
          'monitoring',
        ),
      ],
      [],
    ],
    // the annotation on the pod template, seen as "scraping is visible" too
    ['pod annotation', [deployment({ 'prometheus.io/scrape': 'true' }), service()], []],
    // the annotation on the Service
    ['service annotation', [deployment(), service({ 'prometheus.io/scrape': 'true' })], []],
    // annotations used elsewhere make the scan judgeable
    [
      'annotation elsewhere',
      [deployment(), service(), { ...deployment({ 'prometheus.io/scrape': 'true' }, 'other') }],
      ['serviceNotScraped'],
    ],
    // Istio's injector adds the scrape annotations to the pods of a labelled namespace
    [
      'istio namespace',
      [
        prometheus,
        deployment(),
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } },
        },
      ],
      [],
    ],
    // Istio objects in the scan, the Namespace not: its labels decide, unknown
    [
      'istio, namespace unseen',
      [
        prometheus,
        deployment(),
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'api', namespace: 'shop' },
        },
      ],
      [],
    ],
    // a live scan sees the annotations a webhook put on the pods
    [
      'annotated pods',
      [
        prometheus,
        { ...deployment(), metadata: { name: 'api', namespace: 'shop', uid: 'd1' } },
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: 'api-1',
            namespace: 'shop',
            annotations: { 'prometheus.io/scrape': 'true' },
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', controller: true, uid: 'd1' },
            ],
          },
        },
      ],
      [],
    ],
    // kube-system is not judged
    ['kube-system', [prometheus, deployment(undefined, 'kube-system')], []],
  ];
  for (const [name, objects, expected] of cases)
    assert.deepEqual(
      checkRule(rule, objects).map((f) => f.messageId),
      expected,
      name,
    );
});

test('workload-not-scraped names the Service and its ports', () => {
  const [finding] = checkRule(rule, [prometheus, deployment(), service()]);
  assert.match(finding?.message ?? '', /Service api \(port http\/80, http-metrics\/9090\)/);
});
