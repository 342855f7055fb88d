import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const deployment = (env: Record<string, string>, podSpec: object = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'app', namespace: 'shop' },
  spec: {
    template: {
      spec: {
        ...podSpec,
        containers: [
          {
            name: 'app',
            image: 'app:1',
            env: Object.entries(env).map(([name, value]) => ({ name, value })),
          },
        ],
      },
    },
  },
});

test('dns-ndots-external-lookups', () => {
  const ndots = (value: string) => ({ dnsConfig: { options: [{ name: 'ndots', value }] } });
  const cases: [string, object, string[]][] = [
    // three dots, default ndots:5: searched first
    [
      'url with 3 dots',
      deployment({ URL: 'https://sqs.us-east-1.amazonaws.com/1/q' }),
      ['searchDomainsFirst'],
    ],
    // a bare host:port counts too
    ['bare host:port', deployment({ DB: 'orders.eu-west-1.rds.amazonaws.com:5432' }), ['searchDomainsFirst']],
    // ndots:2 fixes it
    ['ndots 2', deployment({ URL: 'https://sqs.us-east-1.amazonaws.com' }, ndots('2')), []],
    // ndots:3 still taxes a 2-dot name
    ['ndots 3, 2 dots', deployment({ URL: 'https://api.stripe.com' }, ndots('3')), ['searchDomainsFirst']],
    // ndots:3 does not tax a 3-dot name
    ['ndots 3, 3 dots', deployment({ URL: 'https://sqs.us-east-1.amazonaws.com' }, ndots('3')), []],
    // six dots is more than ndots:5: tried as written first
    ['6 dots', deployment({ R: 'redis://a.b.c.d.e.amazonaws.com:6379' }), []],
    // a trailing dot makes the name absolute
    ['trailing dot', deployment({ URL: 'https://api.stripe.com./v1' }), []],
    // cluster Service names are what the search list is for
    ['svc name', deployment({ URL: 'http://api.payments.svc.cluster.local:8080' }), []],
    // one dot: could be <service>.<namespace>, not flagged
    ['one dot', deployment({ HOST: 'stripe.com' }), []],
    // IPs and versions are not hosts
    ['ip and version', deployment({ IP: '10.0.12.4', V: '1.2.3' }), []],
    // dnsPolicy Default uses the node's resolver: another rule's business
    ['dnsPolicy Default', deployment({ URL: 'https://api.stripe.com' }, { dnsPolicy: 'Default' }), []],
    // hostNetwork with ClusterFirstWithHostNet does use cluster DNS
    [
      'hostNetwork ClusterFirstWithHostNet',
      deployment(
        { URL: 'https://api.stripe.com' },
        { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' },
      ),
      ['searchDomainsFirst'],
    ],
  ];
  for (const [name, object, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object]).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('dns-ndots-external-lookups names the host, its source, and adds the ndots option', () => {
  const [finding] = checkRule(rule, [
    deployment({ A: 'https://sqs.us-east-1.amazonaws.com/1/q', B: 'https://api.stripe.com' }),
  ]);
  assert.match(finding?.message ?? '', /sqs\.us-east-1\.amazonaws\.com \(env A of container app\)/);
  assert.match(finding?.message ?? '', /and 1 more: api\.stripe\.com/);
  assert.deepEqual(finding?.fix?.edits, [
    {
      op: 'add-to-list',
      path: ['spec', 'template', 'spec', 'dnsConfig', 'options'],
      value: { name: 'ndots', value: '2' },
    },
  ]);
});

test('dns-ndots-external-lookups reads ConfigMaps and reports once per workload in a snapshot', () => {
  const cm = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cfg', namespace: 'shop' },
    data: { ENDPOINT: 'https://api.eu.example.com' },
  };
  const pod = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      labels: { 'pod-template-hash': '5d7b8c9f6' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'app-5d7b8c9f6', controller: true },
      ],
    },
    spec: {
      containers: [
        {
          name: 'app',
          env: [{ name: 'E', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'ENDPOINT' } } }],
        },
      ],
    },
    status: { phase: 'Running' },
  });
  const findings = checkRule(rule, [cm, pod('app-5d7b8c9f6-b'), pod('app-5d7b8c9f6-a')]);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.ref.name, 'app-5d7b8c9f6-a');
  assert.match(findings[0]?.message ?? '', /ConfigMap cfg key ENDPOINT/);
  assert.equal(findings[0]?.fix, undefined, 'the fix belongs in the template, not the Pod');
});
