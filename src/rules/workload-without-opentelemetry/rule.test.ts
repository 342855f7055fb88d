import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const deployment = (container: object, annotations?: Record<string, string>, namespace = 'shop') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace },
  spec: {
    template: {
      metadata: { labels: { app: 'api' }, ...(annotations ? { annotations } : {}) },
      spec: {
        containers: [
          { name: 'api', image: 'ghcr.io/example/api:1.0.0', ports: [{ containerPort: 8080 }], ...container },
        ],
      },
    },
  },
});
const env = (name: string, value: string) => ({ env: [{ name, value }] });
const configMap = (data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'api-env', namespace: 'shop' },
  data,
});
const fromConfigMap = { envFrom: [{ configMapRef: { name: 'api-env' } }] };

test('workload-without-opentelemetry', () => {
  const cases: [string, object[], string[]][] = [
    ['nothing', [deployment({})], ['notInstrumented']],
    ['OTEL_SERVICE_NAME', [deployment(env('OTEL_SERVICE_NAME', 'api'))], []],
    // an app's own variable at an OTLP port (microservices-demo's COLLECTOR_SERVICE_ADDR)
    ['own name, OTLP port', [deployment(env('COLLECTOR_SERVICE_ADDR', 'opentelemetrycollector:4317'))], []],
    [
      'java agent',
      [deployment(env('JAVA_TOOL_OPTIONS', '-javaagent:/otel/opentelemetry-javaagent.jar'))],
      [],
    ],
    ['unrelated variable', [deployment(env('LOG_LEVEL', 'debug'))], ['notInstrumented']],
    [
      'envFrom with OTEL',
      [deployment(fromConfigMap), configMap({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })],
      [],
    ],
    ['envFrom without', [deployment(fromConfigMap), configMap({ PORT: '8080' })], ['notInstrumented']],
    // a ConfigMap the scan does not hold may carry the variables
    ['envFrom unseen', [deployment(fromConfigMap)], []],
    ['inject annotation', [deployment({}, { 'instrumentation.opentelemetry.io/inject-nodejs': 'true' })], []],
    [
      'inject false',
      [deployment({}, { 'instrumentation.opentelemetry.io/inject-nodejs': 'false' })],
      ['notInstrumented'],
    ],
    [
      'namespace annotation',
      [
        deployment({}),
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'shop', annotations: { 'instrumentation.opentelemetry.io/inject-go': 'true' } },
        },
      ],
      [],
    ],
    // the Operator is in use and the namespace's annotations are not in the scan
    [
      'instrumentation, no namespace',
      [
        deployment({}),
        {
          apiVersion: 'opentelemetry.io/v1alpha1',
          kind: 'Instrumentation',
          metadata: { name: 'default', namespace: 'shop' },
        },
      ],
      [],
    ],
    ['datastore', [deployment({ image: 'postgres:16' })], []],
    // an image hindsight does not know, listening only on MongoDB's port (bookinfo's mongodb)
    [
      'datastore port',
      [
        deployment({
          image: 'docker.io/istio/examples-bookinfo-mongodb:1.20.2',
          ports: [{ containerPort: 27017 }],
        }),
      ],
      [],
    ],
    // a collector gateway is the stack, not an app
    [
      'collector',
      [
        deployment({
          image: 'otel/opentelemetry-collector-contrib:0.110.0',
          ports: [{ containerPort: 4317 }],
        }),
      ],
      [],
    ],
    ['grafana', [deployment({ image: 'grafana/grafana:11.2.0' })], []],
    // kube-prometheus' exporters carry a kube-rbac-proxy sidecar
    [
      'exporter with a proxy sidecar',
      [
        {
          ...deployment({ image: 'quay.io/prometheus/blackbox-exporter:v0.25.0' }),
          spec: {
            template: {
              metadata: { labels: { app: 'api' } },
              spec: {
                containers: [
                  {
                    name: 'exporter',
                    image: 'quay.io/prometheus/blackbox-exporter:v0.25.0',
                    ports: [{ containerPort: 9115 }],
                  },
                  {
                    name: 'proxy',
                    image: 'quay.io/brancz/kube-rbac-proxy:v0.18.1',
                    ports: [{ name: 'https', containerPort: 9443 }],
                  },
                ],
              },
            },
          },
        },
      ],
      [],
    ],
    // a Fluent Bit sidecar does not make the app third-party
    [
      'log shipper sidecar',
      [
        {
          ...deployment({}),
          spec: {
            template: {
              metadata: { labels: { app: 'api' } },
              spec: {
                containers: [
                  { name: 'api', image: 'ghcr.io/example/api:1.0.0', ports: [{ containerPort: 8080 }] },
                  { name: 'logs', image: 'fluent/fluent-bit:3.1' },
                ],
              },
            },
          },
        },
      ],
      ['notInstrumented'],
    ],
    ['kube-system', [deployment({}, undefined, 'kube-system')], []],
    ['serves nothing', [deployment({ ports: [] })], []],
  ];
  for (const [name, objects, expected] of cases)
    assert.deepEqual(
      checkRule(rule, objects).map((f) => f.messageId),
      expected,
      name,
    );
});
