/**
 * The generated alerts, proven with Prometheus' own promtool: the rule files pass `promtool
 * check rules`, and `promtool test rules` sees each alert fire on a bad series set, with the team
 * joined from its namespace's labels, and stay quiet on a healthy one. Without promtool the test
 * fails, unless HINDSIGHT_TESTENV=off says the run opted out of the platform's tools.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { runRules } from '../../engine/run-rules.ts';
import { buildInventory } from '../../inventory/inventory.ts';
import { ALERTING_RULES } from '../../rules/families/alerting.ts';
import { TEST_NOW } from '../../testing/rule-tester.ts';
import { type AlertingRule, generatePrometheusRules } from './prometheus-rules.ts';

const run = promisify(execFile);
const OPTIONS = { teamLabel: 'team', runbookBaseUrl: 'https://hindsight.example.com' };

function promtoolOrSkip(t: TestContext): string | undefined {
  const promtool = process.env.HINDSIGHT_PROMTOOL ?? '/usr/bin/promtool';
  if (existsSync(promtool)) return promtool;
  if (process.env.HINDSIGHT_TESTENV === 'off') {
    t.skip(`${promtool} not found; skipped because HINDSIGHT_TESTENV=off`);
    return undefined;
  }
  assert.fail(`${promtool} not found: install Debian's prometheus package or set HINDSIGHT_PROMTOOL`);
}

type Labels = Record<string, string>;

/** One alert expected at one time; severity and the unchanging annotations come from the rule. */
interface Expected {
  labels: Labels;
  summary: string;
  description?: string;
}

interface Scenario {
  name: string;
  series: [string, string][];
  evals: { at: string; alert: string; expect: Expected[] }[];
}

const TEAMS: [string, string][] = [
  ['kube_namespace_labels{namespace="payments",label_team="payments"}', '1x120'],
  ['kube_namespace_labels{namespace="kube-system",label_team="platform"}', '1x120'],
  ['kube_namespace_labels{namespace="quiet"}', '1x120'],
];
const payments = { namespace: 'payments', label_team: 'payments', team: 'payments' };
const platform = { namespace: 'kube-system', label_team: 'platform', team: 'platform' };

function attachments(node: string, count: number): [string, string][] {
  return Array.from({ length: count }, (_, i) => [
    `kube_volumeattachment_info{volumeattachment="csi-${node}-${i}",attacher="ebs.csi.aws.com",node="${node}"}`,
    '1x30',
  ]);
}

const dnsBad: [string, string][] = [
  [
    'coredns_dns_responses_total{namespace="kube-system",server="dns://:53",zone=".",rcode="NOERROR"}',
    '0+300x90',
  ],
  [
    'coredns_dns_responses_total{namespace="kube-system",server="dns://:53",zone=".",rcode="NXDOMAIN"}',
    '0+600x90',
  ],
  [
    'coredns_dns_responses_total{namespace="kube-system",server="dns://:53",zone=".",rcode="SERVFAIL"}',
    '0+100x90',
  ],
  [
    'coredns_dns_request_duration_seconds_bucket{namespace="kube-system",server="dns://:53",zone=".",le="0.01"}',
    '0x90',
  ],
  [
    'coredns_dns_request_duration_seconds_bucket{namespace="kube-system",server="dns://:53",zone=".",le="0.5"}',
    '0x90',
  ],
  [
    'coredns_dns_request_duration_seconds_bucket{namespace="kube-system",server="dns://:53",zone=".",le="1"}',
    '0+100x90',
  ],
  [
    'coredns_dns_request_duration_seconds_bucket{namespace="kube-system",server="dns://:53",zone=".",le="+Inf"}',
    '0+100x90',
  ],
];
const dnsHealthy: [string, string][] = [
  [
    'coredns_dns_responses_total{namespace="kube-system",server="dns://:53",zone=".",rcode="NOERROR"}',
    '0+900x90',
  ],
  [
    'coredns_dns_responses_total{namespace="kube-system",server="dns://:53",zone=".",rcode="NXDOMAIN"}',
    '0+100x90',
  ],
  [
    'coredns_dns_responses_total{namespace="kube-system",server="dns://:53",zone=".",rcode="SERVFAIL"}',
    '0+1x90',
  ],
  [
    'coredns_dns_request_duration_seconds_bucket{namespace="kube-system",server="dns://:53",zone=".",le="0.01"}',
    '0+100x90',
  ],
  [
    'coredns_dns_request_duration_seconds_bucket{namespace="kube-system",server="dns://:53",zone=".",le="0.5"}',
    '0+100x90',
  ],
  [
    'coredns_dns_request_duration_seconds_bucket{namespace="kube-system",server="dns://:53",zone=".",le="1"}',
    '0+100x90',
  ],
  [
    'coredns_dns_request_duration_seconds_bucket{namespace="kube-system",server="dns://:53",zone=".",le="+Inf"}',
    '0+100x90',
  ],
];
const DNS_ALERTS = [
  'HindsightCoreDNSServfailHigh',
  'HindsightCoreDNSLatencyHigh',
  'HindsightCoreDNSNXDomainShareHigh',
];

const SCENARIOS: Scenario[] = [
  {
    // api-1 is OOMKilled at 11m; web-1 was OOMKilled long ago and has not restarted since;
    // batch-1 restarts with reason Error; orphan-1 is in a namespace kube-state-metrics does not
    // list, and still alerts, without a team.
    name: 'OOM kills',
    series: [
      ...TEAMS,
      [
        'kube_pod_container_status_last_terminated_reason{namespace="payments",pod="api-1",container="api",reason="OOMKilled"}',
        '0x10 1x50',
      ],
      [
        'kube_pod_container_status_restarts_total{namespace="payments",pod="api-1",container="api"}',
        '0x10 1x50',
      ],
      [
        'kube_pod_container_status_last_terminated_reason{namespace="quiet",pod="web-1",container="web",reason="OOMKilled"}',
        '1x60',
      ],
      ['kube_pod_container_status_restarts_total{namespace="quiet",pod="web-1",container="web"}', '3x60'],
      [
        'kube_pod_container_status_last_terminated_reason{namespace="quiet",pod="batch-1",container="batch",reason="Error"}',
        '1x60',
      ],
      [
        'kube_pod_container_status_restarts_total{namespace="quiet",pod="batch-1",container="batch"}',
        '0+1x60',
      ],
      [
        'kube_pod_container_status_last_terminated_reason{namespace="orphan",pod="orphan-1",container="c",reason="OOMKilled"}',
        '0x10 1x50',
      ],
      [
        'kube_pod_container_status_restarts_total{namespace="orphan",pod="orphan-1",container="c"}',
        '0x10 1x50',
      ],
    ],
    evals: [
      { at: '5m', alert: 'HindsightContainerOOMKilled', expect: [] },
      {
        at: '15m',
        alert: 'HindsightContainerOOMKilled',
        expect: [
          {
            labels: { ...payments, pod: 'api-1', container: 'api' },
            summary: 'Container api of payments/api-1 was OOMKilled',
          },
          {
            labels: { namespace: 'orphan', pod: 'orphan-1', container: 'c' },
            summary: 'Container c of orphan/orphan-1 was OOMKilled',
          },
        ],
      },
      // The restart leaves the 15-minute window: the kill is old news.
      { at: '40m', alert: 'HindsightContainerOOMKilled', expect: [] },
    ],
  },
  {
    name: 'CPU throttling: 60% of periods throttled in payments, 10% in quiet',
    series: [
      ...TEAMS,
      ['container_cpu_cfs_periods_total{namespace="payments",pod="api-1",container="api"}', '0+100x60'],
      [
        'container_cpu_cfs_throttled_periods_total{namespace="payments",pod="api-1",container="api"}',
        '0+60x60',
      ],
      ['container_cpu_cfs_periods_total{namespace="quiet",pod="web-1",container="web"}', '0+100x60'],
      ['container_cpu_cfs_throttled_periods_total{namespace="quiet",pod="web-1",container="web"}', '0+10x60'],
    ],
    evals: [
      { at: '20m', alert: 'HindsightCPUThrottlingHigh', expect: [] },
      {
        at: '45m',
        alert: 'HindsightCPUThrottlingHigh',
        expect: [
          {
            labels: { ...payments, pod: 'api-1', container: 'api' },
            summary: 'Container api of payments/api-1 is throttled in 60% of its CPU periods',
          },
        ],
      },
    ],
  },
  {
    // worker-1 is evicted at 40m; old-1 was evicted before the window and stays listed.
    name: 'evictions',
    series: [
      ...TEAMS,
      ['kube_pod_status_reason{namespace="payments",pod="worker-1",reason="Evicted"}', '0x40 1x60'],
      ['kube_pod_status_reason{namespace="quiet",pod="old-1",reason="Evicted"}', '1x100'],
    ],
    evals: [
      { at: '35m', alert: 'HindsightPodsEvicted', expect: [] },
      {
        at: '45m',
        alert: 'HindsightPodsEvicted',
        expect: [{ labels: payments, summary: '1 pods of payments were evicted in the last 30 minutes' }],
      },
      { at: '80m', alert: 'HindsightPodsEvicted', expect: [] },
    ],
  },
  {
    name: 'PersistentVolumeClaims: data-0 Pending, logs Bound',
    series: [
      ...TEAMS,
      [
        'kube_persistentvolumeclaim_status_phase{namespace="payments",persistentvolumeclaim="data-0",phase="Pending"}',
        '1x30',
      ],
      [
        'kube_persistentvolumeclaim_status_phase{namespace="payments",persistentvolumeclaim="data-0",phase="Bound"}',
        '0x30',
      ],
      [
        'kube_persistentvolumeclaim_status_phase{namespace="quiet",persistentvolumeclaim="logs",phase="Pending"}',
        '0x30',
      ],
      [
        'kube_persistentvolumeclaim_status_phase{namespace="quiet",persistentvolumeclaim="logs",phase="Bound"}',
        '1x30',
      ],
    ],
    evals: [
      { at: '10m', alert: 'HindsightPersistentVolumeClaimPending', expect: [] },
      {
        at: '20m',
        alert: 'HindsightPersistentVolumeClaimPending',
        expect: [
          {
            labels: { ...payments, persistentvolumeclaim: 'data-0' },
            summary: 'PersistentVolumeClaim payments/data-0 has been Pending for 15 minutes',
          },
        ],
      },
    ],
  },
  {
    // node-a: 21 attachments, no allocatable series (CSI): 21/25. node-b: 25 of an in-tree
    // allocatable of 39. node-c: 2 of 25.
    name: 'EBS attachments',
    series: [
      ...TEAMS,
      ...attachments('node-a', 21),
      ...attachments('node-b', 25),
      [
        'kube_node_status_allocatable{node="node-b",resource="attachable_volumes_aws_ebs",unit="byte"}',
        '39x30',
      ],
      ...attachments('node-c', 2),
    ],
    evals: [
      { at: '5m', alert: 'HindsightNodeEBSAttachLimitNear', expect: [] },
      {
        at: '15m',
        alert: 'HindsightNodeEBSAttachLimitNear',
        expect: [
          { labels: { ...platform, node: 'node-a' }, summary: 'Node node-a uses 84% of its EBS attachments' },
        ],
      },
    ],
  },
  {
    name: 'CoreDNS in trouble: 10% SERVFAIL, p99 near 1 s, 60% NXDOMAIN',
    series: [...TEAMS, ...dnsBad],
    evals: [
      ...DNS_ALERTS.map((alert) => ({ at: '5m', alert, expect: [] })),
      {
        at: '20m',
        alert: 'HindsightCoreDNSServfailHigh',
        expect: [{ labels: platform, summary: 'CoreDNS answers 10% of queries with SERVFAIL' }],
      },
      {
        at: '25m',
        alert: 'HindsightCoreDNSLatencyHigh',
        expect: [{ labels: platform, summary: 'CoreDNS p99 latency is 995ms' }],
      },
      {
        at: '85m',
        alert: 'HindsightCoreDNSNXDomainShareHigh',
        expect: [{ labels: platform, summary: '60% of CoreDNS answers are NXDOMAIN' }],
      },
    ],
  },
  {
    name: 'CoreDNS healthy',
    series: [...TEAMS, ...dnsHealthy],
    evals: DNS_ALERTS.map((alert) => ({ at: '85m', alert, expect: [] })),
  },
  {
    // api: 3 days left; web: 20 days; far: a year; apiserver: a file, no namespace, 3 days.
    name: 'certificates',
    series: [
      ...TEAMS,
      [
        'x509_cert_not_after{namespace="hindsight",secret_namespace="payments",secret_name="api-tls",subject_CN="api"}',
        '259200x90',
      ],
      [
        'x509_cert_not_after{namespace="hindsight",secret_namespace="payments",secret_name="web-tls",subject_CN="web"}',
        '1728000x90',
      ],
      [
        'x509_cert_not_after{namespace="hindsight",secret_namespace="quiet",secret_name="far-tls",subject_CN="far"}',
        '31536000x90',
      ],
      [
        'x509_cert_not_after{filepath="/etc/kubernetes/pki/apiserver.crt",subject_CN="kube-apiserver"}',
        '259200x90',
      ],
      [
        'hindsight_findings{rule="certificate-expiry-cliff",severity="critical",namespace="kube-system",team="platform",kind="Secret"}',
        '2x90',
      ],
      [
        'hindsight_findings{rule="certificate-expiring",severity="high",namespace="quiet",team="",kind="Secret"}',
        '1x90',
      ],
      ['hindsight_certificates_last_read_timestamp_seconds', '0x90'],
    ],
    evals: [
      { at: '10m', alert: 'HindsightCertificateExpiryImminent', expect: [] },
      {
        at: '20m',
        alert: 'HindsightCertificateExpiryImminent',
        expect: [
          {
            labels: { ...payments, secret_namespace: 'payments', secret_name: 'api-tls', subject_CN: 'api' },
            summary: 'Certificate api expires in 2d 23h 40m 0s (negative: expired)',
            description: 'Renew it now (Secret payments/api-tls): clients reject it the moment it expires.',
          },
          {
            labels: { filepath: '/etc/kubernetes/pki/apiserver.crt', subject_CN: 'kube-apiserver' },
            summary: 'Certificate kube-apiserver expires in 2d 23h 40m 0s (negative: expired)',
            description:
              'Renew it now (/etc/kubernetes/pki/apiserver.crt): clients reject it the moment it expires.',
          },
        ],
      },
      { at: '50m', alert: 'HindsightCertificateRenewalDue', expect: [] },
      {
        at: '70m',
        alert: 'HindsightCertificateRenewalDue',
        expect: [
          {
            labels: { ...payments, secret_namespace: 'payments', secret_name: 'web-tls', subject_CN: 'web' },
            summary: 'Certificate web expires in 19d 22h 50m 0s',
            description:
              'Renew it this week (Secret payments/web-tls). hindsight certs names the component that serves it.',
          },
        ],
      },
      { at: '50m', alert: 'HindsightCertificateExpiryCliff', expect: [] },
      {
        at: '70m',
        alert: 'HindsightCertificateExpiryCliff',
        expect: [
          {
            labels: { namespace: 'kube-system', team: 'platform' },
            summary: 'Several cluster-critical certificates expire together',
            description:
              'hindsight found 2 expiry cliffs: certificates the cluster cannot run without that all expire inside one window. Rotate them apart before the date (hindsight certs lists them).',
          },
        ],
      },
      { at: '70m', alert: 'HindsightCertificatesNotRead', expect: [] },
      {
        at: '80m',
        alert: 'HindsightCertificatesNotRead',
        expect: [{ labels: platform, summary: 'hindsight has not read the certificates for 1h 20m 0s' }],
      },
    ],
  },
  {
    name: 'certificates read every minute',
    series: [...TEAMS, ['hindsight_certificates_last_read_timestamp_seconds', '0+60x90']],
    evals: [{ at: '85m', alert: 'HindsightCertificatesNotRead', expect: [] }],
  },
  {
    // 5 drops/s into payments by policy; 0.1/s into quiet; other drop reasons do not count.
    name: 'Cilium policy drops',
    series: [
      ...TEAMS,
      [
        'hubble_drop_total{namespace="kube-system",reason="POLICY_DENIED",protocol="TCP",source_namespace="web",destination_namespace="payments"}',
        '0+300x30',
      ],
      [
        'hubble_drop_total{namespace="kube-system",reason="POLICY_DENIED",protocol="TCP",source_namespace="web",destination_namespace="quiet"}',
        '0+6x30',
      ],
      [
        'hubble_drop_total{namespace="kube-system",reason="CT_MAP_INSERTION_FAILED",protocol="TCP",source_namespace="web",destination_namespace="quiet"}',
        '0+600x30',
      ],
      [
        'cilium_drop_count_total{namespace="kube-system",instance="10.0.1.1:9962",reason="Policy denied",direction="INGRESS"}',
        '0+1200x30',
      ],
      [
        'cilium_drop_count_total{namespace="kube-system",instance="10.0.1.2:9962",reason="Policy denied",direction="INGRESS"}',
        '0+60x30',
      ],
    ],
    evals: [
      { at: '10m', alert: 'HindsightNetworkPolicyDrops', expect: [] },
      {
        at: '25m',
        alert: 'HindsightNetworkPolicyDrops',
        expect: [{ labels: payments, summary: 'Cilium drops 5 packets/s to payments by NetworkPolicy' }],
      },
      {
        at: '25m',
        alert: 'HindsightCiliumPolicyDropsOnNode',
        expect: [
          {
            labels: { ...platform, instance: '10.0.1.1:9962' },
            summary: 'Cilium agent 10.0.1.1:9962 drops 20 packets/s by policy',
          },
        ],
      },
    ],
  },
];

function rulesByName(): Map<string, AlertingRule> {
  const out = new Map<string, AlertingRule>();
  for (const object of generatePrometheusRules(OPTIONS)) {
    const spec = object.spec as { groups: { rules: AlertingRule[] }[] };
    for (const group of spec.groups) for (const rule of group.rules) out.set(rule.alert, rule);
  }
  return out;
}

/** The promtool unit-test file for the scenarios, over `ruleFile`. */
function promtoolTests(ruleFile: string): string {
  const rules = rulesByName();
  const tests = SCENARIOS.map((scenario) => ({
    interval: '1m',
    input_series: scenario.series.map(([series, values]) => ({ series, values })),
    alert_rule_test: scenario.evals.map(({ at, alert, expect }) => {
      const rule = rules.get(alert);
      assert.ok(rule, `${scenario.name}: no alert ${alert}`);
      return {
        eval_time: at,
        alertname: alert,
        exp_alerts: expect.map((e) => ({
          exp_labels: { severity: rule.labels.severity, ...e.labels },
          exp_annotations: {
            summary: e.summary,
            description: e.description ?? rule.annotations.description,
            runbook_url: rule.annotations.runbook_url,
          },
        })),
      };
    }),
  }));
  return stringify({ rule_files: [ruleFile], evaluation_interval: '1m', tests }, { lineWidth: 0 });
}

test('promtool checks the generated rules, and its unit tests see each alert fire with its team and stay quiet', async (t) => {
  const promtool = promtoolOrSkip(t);
  if (!promtool) return;
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-alerts-'));
  const objects = generatePrometheusRules(OPTIONS);
  const files = objects.map((object) => {
    const file = join(dir, `${object.metadata.name}.rules.yaml`);
    writeFileSync(file, stringify(object.spec, { lineWidth: 0 }));
    return file;
  });
  const check = await run(promtool, ['check', 'rules', ...files]);
  assert.match(check.stdout, /SUCCESS/);
  const all = join(dir, 'all.rules.yaml');
  writeFileSync(
    all,
    stringify({ groups: objects.flatMap((o) => (o.spec as { groups: unknown[] }).groups) }, { lineWidth: 0 }),
  );
  const testFile = join(dir, 'alerts.test.yaml');
  writeFileSync(testFile, promtoolTests('all.rules.yaml'));
  const result = await run(promtool, ['test', 'rules', testFile]).catch(
    (error: { stdout?: string; stderr?: string }) =>
      assert.fail(`promtool test rules failed (${testFile}):\n${error.stdout}${error.stderr}`),
  );
  assert.match(result.stdout, /SUCCESS/);
  t.diagnostic(`${check.stdout.trim().split('\n').length} lines of promtool check; ${result.stdout.trim()}`);
});

test('every generated alert has a firing case in the promtool scenarios', () => {
  const firing = new Set(
    SCENARIOS.flatMap((s) => s.evals.filter((e) => e.expect.length > 0).map((e) => e.alert)),
  );
  assert.deepEqual(
    [...rulesByName().keys()].filter((name) => !firing.has(name)),
    [],
  );
});

test('every alert: severity, team, for, summary, description and a runbook link into the runbooks', () => {
  const objects = generatePrometheusRules({
    teamLabel: 'app.kubernetes.io/part-of',
    runbookBaseUrl: 'https://x.dev/',
  });
  for (const object of objects) {
    assert.equal(object.kind, 'PrometheusRule');
    assert.equal(object.apiVersion, 'monitoring.coreos.com/v1');
    const spec = object.spec as { groups: { rules: AlertingRule[] }[] };
    for (const rule of spec.groups.flatMap((g) => g.rules)) {
      assert.ok(['critical', 'warning', 'info'].includes(rule.labels.severity ?? ''), rule.alert);
      assert.ok(rule.labels.team, rule.alert);
      assert.match(rule.for, /^[1-9]\d*[mh]$/, rule.alert);
      assert.ok(rule.annotations.summary && rule.annotations.description, rule.alert);
      assert.equal(
        rule.annotations.runbook_url,
        `https://x.dev/docs/alerting-runbooks.md#${rule.alert.toLowerCase()}`,
      );
      if (rule.alert !== 'HindsightCertificateExpiryCliff') {
        assert.equal(rule.labels.team, '{{ $labels.label_app_kubernetes_io_part_of }}', rule.alert);
        assert.match(rule.expr, /group_left \(label_app_kubernetes_io_part_of\)/, rule.alert);
      }
    }
  }
});

test('every runbook_url anchor is a section of docs/alerting-runbooks.md', () => {
  const docs = readFileSync(
    join(import.meta.dirname, '..', '..', '..', 'docs', 'alerting-runbooks.md'),
    'utf8',
  );
  const headings = new Set([...docs.matchAll(/^### (\w+)$/gm)].map((m) => (m[1] as string).toLowerCase()));
  for (const rule of rulesByName().values()) {
    const anchor = rule.annotations.runbook_url?.split('#')[1];
    assert.ok(anchor && headings.has(anchor), `${rule.alert}: no section #${anchor}`);
  }
});

test("the generated rules pass hindsight's own alerting rules with no finding", () => {
  for (const teamLabel of ['team', 'app.kubernetes.io/part-of']) {
    const objects = generatePrometheusRules({ teamLabel });
    const inventory = buildInventory(objects.map((object) => ({ object, origin: { source: 'test' } })));
    const result = runRules(inventory, { rules: ALERTING_RULES, now: TEST_NOW });
    assert.deepEqual(
      result.findings.map((f) => `${f.ruleId} ${f.message}`),
      [],
    );
    assert.equal(inventory.ofKind('PrometheusRule').length, objects.length);
  }
});
