/** Alerting rules that page the right people for the right reasons: PrometheusRules linted. */
import alertRuleRedefined from '../alert-rule-redefined/rule.ts';
import alertRuleUnowned from '../alert-rule-unowned/rule.ts';
import alertRuleWithoutFor from '../alert-rule-without-for/rule.ts';
import alertRuleWithoutRunbook from '../alert-rule-without-runbook/rule.ts';
import alertRuleWithoutSeverity from '../alert-rule-without-severity/rule.ts';
import type { AnyRule } from '../define-rule.ts';

export const ALERTING_RULES: AnyRule[] = [
  alertRuleWithoutFor,
  alertRuleWithoutSeverity,
  alertRuleUnowned,
  alertRuleWithoutRunbook,
  alertRuleRedefined,
];
