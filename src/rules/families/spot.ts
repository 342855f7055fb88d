/** Spot suitability of workloads, and Karpenter NodePool practice. */
import type { AnyRule } from '../define-rule.ts';
import nodepoolConsolidationDisabled from '../nodepool-consolidation-disabled/rule.ts';
import nodepoolSpotNotDiversified from '../nodepool-spot-not-diversified/rule.ts';
import nodepoolSpotWithoutOnDemandFallback from '../nodepool-spot-without-on-demand-fallback/rule.ts';
import nodepoolWithoutLimits from '../nodepool-without-limits/rule.ts';
import workloadSpotSafePinnedOnDemand from '../workload-spot-safe-pinned-on-demand/rule.ts';
import workloadSpotUnsafeCanLandOnSpot from '../workload-spot-unsafe-can-land-on-spot/rule.ts';

export const SPOT_RULES: AnyRule[] = [
  workloadSpotUnsafeCanLandOnSpot,
  workloadSpotSafePinnedOnDemand,
  nodepoolWithoutLimits,
  nodepoolSpotNotDiversified,
  nodepoolSpotWithoutOnDemandFallback,
  nodepoolConsolidationDisabled,
];
