import { alertingRulesOf, prometheusDurationMs } from '../../core/alerting-rules.ts';
import { alertShape } from '../../core/promql.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

/** A window this long already smooths the condition: `rate(x[15m]) > 0` cannot blip. */
const SMOOTHING_WINDOW_MS = 5 * 60 * 1000;

/** Gauges that count down to a deadline: once under the threshold they stay there until renewal. */
const COUNTDOWN = /ttl|expir|not_after/;

/**
 * Whether an alert can do without `for`: not a notification, constant, age-based, windowed, a
 * countdown, or a selector pinned to a terminal failed state (`node_md_disks{state="failed"}`).
 * An expression that does not parse is left alone: it is not this rule's to judge.
 */
export function needsNoFor(expr: string, severity: string | undefined): boolean {
  if (severity === 'none') return true; // not a notification: Watchdog, InfoInhibitor
  const shape = alertShape(expr);
  if (shape.error) return true;
  if (shape.instant.length === 0 && shape.longestRangeMs === 0) return true; // a constant: `vector(1)`
  if (shape.callsTime) return true; // an age or a deadline only grows
  if (shape.longestRangeMs >= SMOOTHING_WINDOW_MS) return true;
  return (
    shape.instant.length > 0 && shape.instant.every((s) => COUNTDOWN.test(s) || shape.failedStateOnly.has(s))
  );
}

export default defineRule({
  id: 'alert-rule-without-for',
  category: 'alerting',
  severity: 'low',
  lesson: 'alerting',
  title: 'Alerts must hold for a while before they fire',
  appliesTo: ['PrometheusRule'],
  messages: {
    missing:
      'alert {alert} has no for: it fires on the first evaluation whose instantaneous value crosses the threshold, so one spike or one odd scrape notifies {who}',
    zero: 'alert {alert} has for: {for}: it fires on the first evaluation whose instantaneous value crosses the threshold, so one spike or one odd scrape notifies {who}',
  },
  check(entry, ctx) {
    const alerts = alertingRulesOf(entry.object);
    if (alerts.length === 0) return NOT_APPLICABLE;
    for (const rule of alerts) {
      const duration = rule.for === undefined ? undefined : prometheusDurationMs(rule.for);
      if (duration !== undefined && duration > 0) continue;
      if (rule.for !== undefined && duration === undefined) continue; // a template or a typo: not ours
      if (needsNoFor(rule.expr, rule.labels.severity)) continue;
      const critical = rule.labels.severity === 'critical';
      ctx.report({
        messageId: rule.for === undefined ? 'missing' : 'zero',
        data: {
          alert: rule.alert,
          for: rule.for ?? '',
          who: critical ? 'on-call (critical)' : 'its receiver',
        },
        path: rule.for === undefined ? rule.path : [...rule.path, 'for'],
        ...(critical ? { severity: 'medium' as const } : {}),
        manual:
          'choose a for that outlasts a blip but not the harm: a few scrape intervals (5m) for symptoms, 15m for capacity; or window the expression (max_over_time, rate over 5m+)',
      });
    }
  },
});
