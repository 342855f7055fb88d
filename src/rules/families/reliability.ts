/** Requests, limits, probes, replicas and disruption budgets; autoscaling practice. */

import containerCpuLimitThrottles from '../container-cpu-limit-throttles/rule.ts';
import containerMemoryLimitMissing from '../container-memory-limit-missing/rule.ts';
import containerReadinessProbeMissing from '../container-readiness-probe-missing/rule.ts';
import containerRequestsMissing from '../container-requests-missing/rule.ts';
import type { AnyRule } from '../define-rule.ts';
import hpaMinReplicasBelowTwo from '../hpa-min-replicas-below-two/rule.ts';
import hpaUtilizationWithoutRequests from '../hpa-utilization-without-requests/rule.ts';
import kedaAndHpaSameTarget from '../keda-and-hpa-same-target/rule.ts';
import pdbAllowsNoDisruption from '../pdb-allows-no-disruption/rule.ts';
import pdbMinAvailableBlocksHpa from '../pdb-min-available-blocks-hpa/rule.ts';
import podWithoutController from '../pod-without-controller/rule.ts';
import vpaAndHpaSameResource from '../vpa-and-hpa-same-resource/rule.ts';
import vpaModeRestartsPods from '../vpa-mode-restarts-pods/rule.ts';
import workloadPdbMissing from '../workload-pdb-missing/rule.ts';
import workloadSingleReplica from '../workload-single-replica/rule.ts';

export const RELIABILITY_RULES: AnyRule[] = [
  // reliability: resources
  containerRequestsMissing,
  containerMemoryLimitMissing,
  containerCpuLimitThrottles,
  // reliability: disruption
  containerReadinessProbeMissing,
  workloadPdbMissing,
  pdbAllowsNoDisruption,
  workloadSingleReplica,
  pdbMinAvailableBlocksHpa,
  podWithoutController,
  // autoscaling
  hpaUtilizationWithoutRequests,
  vpaModeRestartsPods,
  vpaAndHpaSameResource,
  kedaAndHpaSameTarget,
  hpaMinReplicasBelowTwo,
];
