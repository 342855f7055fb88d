import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prometheusRule } from '../../testing/prometheus-rules.ts';
import { checkRule } from '../../testing/rule-tester.ts';
import rule, { needsNoFor } from './rule.ts';

test('alert-rule-without-for: which expressions can do without for', () => {
  const cases: [string, string, string | undefined, boolean][] = [
    // an instantaneous gauge ratio: needs for
    ['gauge ratio', 'node_nf_conntrack_entries / node_nf_conntrack_entries_limit > 0.75', 'warning', false],
    // a state gauge: needs for
    ['state gauge', 'node_textfile_scrape_error == 1', 'warning', false],
    // Watchdog
    ['constant', 'vector(1)', 'none', true],
    // an inhibitor meta-alert with severity none
    ['severity none', 'ALERTS{severity="info"} == 1', 'none', true],
    // smoothed by a 15m window
    ['rate over 15m', 'sum(rate(kubelet_evictions[15m])) by (node) > 0', 'info', true],
    // a short window smooths little
    ['irate over 1m', 'rate(errors_total[1m]) > 5', 'warning', false],
    // an age
    ['age', 'time() - kube_job_status_start_time > 43200', 'warning', true],
    // a countdown
    ['ttl', 'kubelet_certificate_manager_client_ttl_seconds < 604800', 'warning', true],
    // a disk in a failed state stays failed until replaced
    ['failed state', 'node_md_disks{state="failed", job="node-exporter"} > 0', 'warning', true],
    // the same gauge without the state pinned can move
    ['any state', 'node_md_disks{job="node-exporter"} > 0', 'warning', false],
    // a countdown joined with an instantaneous gauge: the gauge can blip
    ['ttl and gauge', 'x509_cert_not_after_ttl < 86400 and up == 1', 'critical', false],
  ];
  for (const [name, expr, severity, expected] of cases)
    assert.equal(needsNoFor(expr, severity), expected, name);
});

test('alert-rule-without-for: missing, zero, present; critical ones at medium', () => {
  const findings = checkRule(rule, [
    prometheusRule('a', [
      { alert: 'NoFor', expr: 'up == 0', labels: { severity: 'critical' } },
      { alert: 'ZeroFor', expr: 'up == 0', for: '0s', labels: { severity: 'warning' } },
      { alert: 'WithFor', expr: 'up == 0', for: '5m', labels: { severity: 'warning' } },
      { alert: 'Templated', expr: 'up == 0', for: '{{ .for }}', labels: { severity: 'warning' } },
    ]),
  ]);
  assert.deepEqual(
    findings.map((f) => [f.messageId, f.severity]),
    [
      ['missing', 'medium'],
      ['zero', 'low'],
    ],
  );
  assert.equal(
    findings[0]?.message,
    'alert NoFor has no for: it fires on the first evaluation whose instantaneous value crosses the threshold, so one spike or one odd scrape notifies on-call (critical)',
  );
});
