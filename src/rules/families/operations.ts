/** The things that keep breaking (DNS, resource kills, storage) and upgrade readiness. */
import type { AnyRule } from '../define-rule.ts';

export const OPERATIONS_RULES: AnyRule[] = [];
