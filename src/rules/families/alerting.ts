/**
 * Alerting: Alertmanager routing (two tiers, team ownership, a dead-man's switch) and the
 * alerting rules that feed it (PrometheusRules that page the right people for the right reasons).
 */
import alertRuleMetricNotScraped from '../alert-rule-metric-not-scraped/rule.ts';
import alertRuleRedefined from '../alert-rule-redefined/rule.ts';
import alertRuleUnowned from '../alert-rule-unowned/rule.ts';
import alertRuleWithoutFor from '../alert-rule-without-for/rule.ts';
import alertRuleWithoutRunbook from '../alert-rule-without-runbook/rule.ts';
import alertRuleWithoutSeverity from '../alert-rule-without-severity/rule.ts';
import alertmanagerInhibitRulesMissing from '../alertmanager-inhibit-rules-missing/rule.ts';
import alertmanagerPageRepeatTooFrequent from '../alertmanager-page-repeat-too-frequent/rule.ts';
import alertmanagerPagesNonCritical from '../alertmanager-pages-non-critical/rule.ts';
import alertmanagerReceiverSilent from '../alertmanager-receiver-silent/rule.ts';
import alertmanagerReceiverUnused from '../alertmanager-receiver-unused/rule.ts';
import alertmanagerRouteUnreachable from '../alertmanager-route-unreachable/rule.ts';
import alertmanagerWatchdogMissing from '../alertmanager-watchdog-missing/rule.ts';
import type { AnyRule } from '../define-rule.ts';

export const ALERTING_RULES: AnyRule[] = [
  // Alertmanager routing
  alertmanagerPagesNonCritical,
  alertmanagerPageRepeatTooFrequent,
  alertmanagerWatchdogMissing,
  alertmanagerInhibitRulesMissing,
  alertmanagerReceiverUnused,
  alertmanagerReceiverSilent,
  alertmanagerRouteUnreachable,
  // PrometheusRule alerts
  alertRuleWithoutFor,
  alertRuleWithoutSeverity,
  alertRuleUnowned,
  alertRuleWithoutRunbook,
  alertRuleRedefined,
  alertRuleMetricNotScraped,
];
