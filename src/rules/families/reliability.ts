/** Requests, limits, probes, replicas and disruption budgets; autoscaling practice. */
import type { AnyRule } from '../define-rule.ts';

export const RELIABILITY_RULES: AnyRule[] = [];
