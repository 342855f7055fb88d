/** Alerting: Alertmanager routing (two tiers, team ownership, a dead-man's switch) and alert rules. */
import alertmanagerInhibitRulesMissing from '../alertmanager-inhibit-rules-missing/rule.ts';
import alertmanagerPageRepeatTooFrequent from '../alertmanager-page-repeat-too-frequent/rule.ts';
import alertmanagerPagesNonCritical from '../alertmanager-pages-non-critical/rule.ts';
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
  alertmanagerRouteUnreachable,
];
