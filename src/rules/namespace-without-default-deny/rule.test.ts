import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const namespace = (name: string, labels: Record<string, string> = {}, phase?: string) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
  ...(phase ? { status: { phase } } : {}),
});

const netpol = (name: string, spec: object, ns = 'shop') => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns },
  spec,
});

const denyAll = netpol('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

const cilium = (
  kind: 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy',
  spec: object,
  extra: object = {},
) => ({
  apiVersion: 'cilium.io/v2',
  kind,
  metadata: { name: 'default-deny', ...(kind === 'CiliumNetworkPolicy' ? { namespace: 'shop' } : {}) },
  spec,
  ...extra,
});

const calico = (
  kind: 'NetworkPolicy' | 'GlobalNetworkPolicy',
  spec: object,
  apiVersion = 'projectcalico.org/v3',
) => ({
  apiVersion,
  kind,
  metadata: { name: 'default-deny', ...(kind === 'NetworkPolicy' ? { namespace: 'shop' } : {}) },
  spec,
});

const dnsEgress = {
  to: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ],
  ports: [{ protocol: 'UDP', port: 53 }],
};

const messages = (objects: object[]) =>
  checkRule(rule, objects).map((f) => `${f.ref.kind} ${f.ref.namespace ?? f.ref.name}: ${f.messageId}`);

test('namespace-without-default-deny: Kubernetes NetworkPolicy', () => {
  const shop = namespace('shop');
  const cases: [string, object[], string[]][] = [
    // nothing at all
    ['no policy', [shop], ['Namespace shop: noDefaultDeny']],
    // the canonical default deny, both directions
    ['deny all', [shop, denyAll], []],
    // only ingress
    [
      'ingress only',
      [shop, netpol('deny-in', { podSelector: {}, policyTypes: ['Ingress'] })],
      ['Namespace shop: ingressOnly'],
    ],
    // policyTypes defaults to Ingress when there are no egress rules
    ['no policyTypes', [shop, netpol('deny-in', { podSelector: {} })], ['Namespace shop: ingressOnly']],
    // ... and adds Egress when there are
    ['no policyTypes, egress rules', [shop, netpol('dns', { podSelector: {}, egress: [dnsEgress] })], []],
    // only egress
    [
      'egress only',
      [shop, netpol('deny-out', { podSelector: {}, policyTypes: ['Egress'] })],
      ['Namespace shop: egressOnly'],
    ],
    // two policies, one per direction
    [
      'split in two',
      [
        shop,
        netpol('deny-in', { podSelector: {}, policyTypes: ['Ingress'] }),
        netpol('deny-out', { podSelector: {}, policyTypes: ['Egress'] }),
      ],
      [],
    ],
    // a deny that selects some pods leaves the others open
    [
      'selects some pods',
      [
        shop,
        netpol('deny-api', {
          podSelector: { matchLabels: { app: 'api' } },
          policyTypes: ['Ingress', 'Egress'],
        }),
      ],
      ['Namespace shop: noDefaultDeny'],
    ],
    // another namespace's deny does not count
    [
      'other namespace',
      [shop, netpol('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'web')],
      ['Namespace shop: noDefaultDeny'],
    ],
    // an allow-all rule for every pod undoes the deny
    [
      'allow all ingress',
      [shop, denyAll, netpol('allow-all', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] })],
      ['Namespace shop: allowAll'],
    ],
    [
      'allow all egress to 0.0.0.0/0',
      [
        shop,
        denyAll,
        netpol('internet', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }],
        }),
      ],
      ['Namespace shop: allowAll'],
    ],
    // restricted allows are what default deny is for
    [
      'allow DNS and https for all',
      [
        shop,
        denyAll,
        netpol('dns', { podSelector: {}, policyTypes: ['Egress'], egress: [dnsEgress] }),
        netpol('https', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }],
              ports: [{ port: 443 }],
            },
          ],
        }),
      ],
      [],
    ],
    // an allow-all for one app is that app's business (a public frontend)
    [
      'allow all for one app',
      [shop, denyAll, netpol('public', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] })],
      [],
    ],
    // a policy that isolates nothing: the allow-all is the whole policy
    [
      'only an allow-all',
      [shop, netpol('allow-all', { podSelector: {}, ingress: [{}] })],
      ['Namespace shop: noDefaultDeny'],
    ],
  ];
  for (const [name, objects, expected] of cases) assert.deepEqual(messages(objects), expected, name);
});

test('namespace-without-default-deny: Cilium', () => {
  const shop = namespace('shop', { team: 'storefront' });
  const cases: [string, object[], string[]][] = [
    // an empty rule in each direction puts every endpoint into default deny
    [
      'cnp empty rules',
      [shop, cilium('CiliumNetworkPolicy', { endpointSelector: {}, ingress: [{}], egress: [{}] })],
      [],
    ],
    // empty lists mean "no rule in that direction"
    [
      'cnp empty lists',
      [shop, cilium('CiliumNetworkPolicy', { endpointSelector: {}, ingress: [], egress: [] })],
      ['Namespace shop: noDefaultDeny'],
    ],
    // deny rules from and to everything
    [
      'cnp deny all',
      [
        shop,
        cilium('CiliumNetworkPolicy', {
          endpointSelector: {},
          ingressDeny: [{ fromEntities: ['all'] }],
          egressDeny: [{ toEntities: ['all'] }],
        }),
      ],
      [],
    ],
    // enableDefaultDeny: false turns the isolation off
    [
      'cnp enableDefaultDeny false',
      [
        shop,
        cilium('CiliumNetworkPolicy', {
          endpointSelector: {},
          enableDefaultDeny: { ingress: false, egress: false },
          ingress: [{ fromEndpoints: [{}] }],
          egress: [{ toEndpoints: [{}] }],
        }),
      ],
      ['Namespace shop: noDefaultDeny'],
    ],
    // egress to DNS only: egress is denied by default, ingress is not
    [
      'cnp egress only',
      [
        shop,
        cilium('CiliumNetworkPolicy', {
          endpointSelector: {},
          egress: [
            {
              toEndpoints: [
                { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s-app': 'kube-dns' } },
              ],
            },
          ],
        }),
      ],
      ['Namespace shop: egressOnly'],
    ],
    // allow from all entities undoes the deny
    [
      'cnp allow world',
      [
        shop,
        cilium('CiliumNetworkPolicy', { endpointSelector: {}, ingress: [{}], egress: [{}] }),
        {
          ...cilium('CiliumNetworkPolicy', { endpointSelector: {}, egress: [{ toEntities: ['all'] }] }),
          metadata: { name: 'open', namespace: 'shop' },
        },
      ],
      ['Namespace shop: allowAll'],
    ],
    // several rules in `specs`
    [
      'cnp specs',
      [
        shop,
        cilium('CiliumNetworkPolicy', undefined as unknown as object, {
          specs: [
            { endpointSelector: {}, ingress: [{}] },
            { endpointSelector: {}, egress: [{}] },
          ],
        }),
      ],
      [],
    ],
    // a cluster-wide deny covers every namespace
    [
      'ccnp',
      [shop, cilium('CiliumClusterwideNetworkPolicy', { endpointSelector: {}, ingress: [{}], egress: [{}] })],
      [],
    ],
    // ... except those it excludes by namespace
    [
      'ccnp excluding kube-system',
      [
        shop,
        cilium('CiliumClusterwideNetworkPolicy', {
          endpointSelector: {
            matchExpressions: [
              { key: 'io.kubernetes.pod.namespace', operator: 'NotIn', values: ['kube-system'] },
            ],
          },
          ingress: [{}],
          egress: [{}],
        }),
      ],
      [],
    ],
    [
      'ccnp excluding shop',
      [
        shop,
        cilium('CiliumClusterwideNetworkPolicy', {
          endpointSelector: {
            matchExpressions: [
              { key: 'k8s:io.kubernetes.pod.namespace', operator: 'NotIn', values: ['shop'] },
            ],
          },
          ingress: [{}],
          egress: [{}],
        }),
      ],
      ['Namespace shop: noDefaultDeny'],
    ],
    // selecting namespaces by their labels
    [
      'ccnp by namespace label',
      [
        shop,
        cilium('CiliumClusterwideNetworkPolicy', {
          endpointSelector: { matchLabels: { 'io.cilium.k8s.namespace.labels.team': 'storefront' } },
          ingress: [{}],
          egress: [{}],
        }),
      ],
      [],
    ],
    // a selector on pod labels does not cover every pod
    [
      'ccnp by pod label',
      [
        shop,
        cilium('CiliumClusterwideNetworkPolicy', {
          endpointSelector: { matchLabels: { app: 'api' } },
          ingress: [{}],
          egress: [{}],
        }),
      ],
      ['Namespace shop: noDefaultDeny'],
    ],
    // host policies are about nodes
    [
      'ccnp host policy',
      [shop, cilium('CiliumClusterwideNetworkPolicy', { nodeSelector: {}, ingress: [{}], egress: [{}] })],
      ['Namespace shop: noDefaultDeny'],
    ],
  ];
  for (const [name, objects, expected] of cases) assert.deepEqual(messages(objects), expected, name);
});

test('namespace-without-default-deny: Calico', () => {
  const shop = namespace('shop', { team: 'storefront' });
  const cases: [string, object[], string[]][] = [
    // selector all(), both types, no rules: end-of-tier deny
    ['np v3', [shop, calico('NetworkPolicy', { selector: 'all()', types: ['Ingress', 'Egress'] })], []],
    [
      'np crd v1',
      [
        shop,
        calico(
          'NetworkPolicy',
          { selector: 'all()', types: ['Ingress', 'Egress'] },
          'crd.projectcalico.org/v1',
        ),
      ],
      [],
    ],
    // an unconditional Allow opens that direction
    [
      'np allow ingress',
      [
        shop,
        calico('NetworkPolicy', {
          selector: 'all()',
          types: ['Ingress', 'Egress'],
          ingress: [{ action: 'Allow' }],
        }),
      ],
      ['Namespace shop: egressOnly'],
    ],
    // explicit Deny rules
    [
      'gnp deny',
      [
        shop,
        calico('GlobalNetworkPolicy', {
          selector: 'all()',
          types: ['Ingress', 'Egress'],
          ingress: [{ action: 'Deny' }],
          egress: [{ action: 'Deny' }],
        }),
      ],
      [],
    ],
    // the usual cluster-wide shape: everything but system namespaces
    [
      'gnp not in system namespaces',
      [
        shop,
        calico('GlobalNetworkPolicy', {
          selector: "projectcalico.org/namespace not in {'kube-system', 'calico-system'}",
          types: ['Ingress', 'Egress'],
          egress: [
            {
              action: 'Allow',
              protocol: 'UDP',
              destination: { selector: "k8s-app == 'kube-dns'", ports: [53] },
            },
          ],
        }),
      ],
      [],
    ],
    // namespaceSelector on namespace labels
    [
      'gnp namespaceSelector match',
      [
        shop,
        calico('GlobalNetworkPolicy', {
          namespaceSelector: "team == 'storefront'",
          types: ['Ingress', 'Egress'],
        }),
      ],
      [],
    ],
    [
      'gnp namespaceSelector other',
      [
        shop,
        calico('GlobalNetworkPolicy', {
          namespaceSelector: "team == 'payments'",
          types: ['Ingress', 'Egress'],
        }),
      ],
      ['Namespace shop: noDefaultDeny'],
    ],
    // a pod-label selector does not cover every pod
    [
      'gnp app selector',
      [shop, calico('GlobalNetworkPolicy', { selector: "app == 'api'", types: ['Ingress', 'Egress'] })],
      ['Namespace shop: noDefaultDeny'],
    ],
    // types default from the rules: egress rules only → Egress
    [
      'np default types',
      [shop, calico('NetworkPolicy', { selector: 'all()', egress: [{ action: 'Deny' }] })],
      ['Namespace shop: egressOnly'],
    ],
    // a selector hindsight cannot read does not count
    [
      'unparseable',
      [shop, calico('NetworkPolicy', { selector: 'all() &&', types: ['Ingress', 'Egress'] })],
      ['Namespace shop: noDefaultDeny'],
    ],
    // staged policies are not enforced
    [
      'staged',
      [
        shop,
        {
          ...calico('GlobalNetworkPolicy', { selector: 'all()', types: ['Ingress', 'Egress'] }),
          kind: 'StagedGlobalNetworkPolicy',
        },
      ],
      ['Namespace shop: noDefaultDeny'],
    ],
  ];
  for (const [name, objects, expected] of cases) assert.deepEqual(messages(objects), expected, name);
});

test('namespace-without-default-deny: which namespaces are judged', () => {
  const workload = (name: string, ns: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: { template: { spec: { containers: [{ name: 'app', image: 'app:1' }] } } },
  });
  const cases: [string, object[], string[]][] = [
    // system namespaces are ignored by default
    ['kube-system', [namespace('kube-system')], []],
    // a namespace being deleted
    ['terminating', [namespace('old', {}, 'Terminating')], []],
    // an app directory on its own: no Namespace object and no policies, so nothing to judge
    ['app directory', [workload('api', 'shop'), workload('worker', 'shop')], []],
    // policies are in the scan but none for this namespace: judged once, on its first workload
    [
      'no Namespace object',
      [
        workload('worker', 'shop'),
        workload('api', 'shop'),
        { ...denyAll, metadata: { name: 'default-deny', namespace: 'web' } },
        workload('web', 'web'),
      ],
      ['Deployment shop: noDefaultDeny'],
    ],
    // with the Namespace object the finding goes there, not on the workloads
    [
      'Namespace object',
      [namespace('shop'), workload('api', 'shop'), netpol('x', { podSelector: {} }, 'web')],
      ['Namespace shop: noDefaultDeny'],
    ],
  ];
  for (const [name, objects, expected] of cases) assert.deepEqual(messages(objects), expected, name);

  const [first] = checkRule(rule, cases[3]?.[1] ?? []);
  assert.equal(first?.ref.name, 'api', 'the first workload by kind and name');
});

test('namespace-without-default-deny options and messages', () => {
  const config = {
    rules: { 'namespace-without-default-deny': { options: { ignoreNamespaces: ['sandbox'] } } },
    excludeNamespaces: [],
    exemptions: [],
  };
  assert.deepEqual(checkRule(rule, [namespace('sandbox')], { config }), []);
  assert.equal(
    checkRule(rule, [namespace('kube-system')], { config }).length,
    1,
    'the default list is replaced',
  );

  const [undone] = checkRule(rule, [
    namespace('shop'),
    denyAll,
    netpol('allow-all', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] }),
  ]);
  assert.equal(
    undone?.message,
    'namespace shop: NetworkPolicy shop/allow-all allows all ingress traffic for every pod, which undoes the default deny of NetworkPolicy shop/default-deny',
  );
  const [partial] = checkRule(rule, [namespace('shop'), netpol('deny-in', { podSelector: {} })]);
  assert.match(partial?.message ?? '', /denies only ingress by default \(NetworkPolicy shop\/deny-in\)/);
});
