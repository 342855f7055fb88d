/**
 * Every rule hindsight has, by id. Explicit imports, family by family: greppable, checked by
 * the compiler, and the meta-tests make sure it matches the rule folders.
 */
import type { AnyRule } from './define-rule.ts';
import { ALERTING_RULES } from './families/alerting.ts';
import { OPERATIONS_RULES } from './families/operations.ts';
import { RELIABILITY_RULES } from './families/reliability.ts';
import { SECURITY_RULES } from './families/security.ts';
import { SPOT_RULES } from './families/spot.ts';

export const ALL_RULES: readonly AnyRule[] = [
  ...SECURITY_RULES,
  ...RELIABILITY_RULES,
  ...SPOT_RULES,
  ...OPERATIONS_RULES,
  ...ALERTING_RULES,
];

export const RULES: ReadonlyMap<string, AnyRule> = new Map(ALL_RULES.map((r) => [r.id, r]));
