/** Spot suitability of workloads, and Karpenter NodePool practice. */
import type { AnyRule } from '../define-rule.ts';

export const SPOT_RULES: AnyRule[] = [];
