/** The things that keep breaking (DNS, resource kills, storage) and upgrade readiness. */
import apiVersionDeprecated from '../api-version-deprecated/rule.ts';
import containerOomKilled from '../container-oom-killed/rule.ts';
import corednsCapacity from '../coredns-capacity/rule.ts';
import type { AnyRule } from '../define-rule.ts';
import dnsNdotsExternalLookups from '../dns-ndots-external-lookups/rule.ts';
import dnsPolicyDefaultTrap from '../dns-policy-default-trap/rule.ts';
import nodeEbsAttachLimit from '../node-ebs-attach-limit/rule.ts';
import objectFieldUnknown from '../object-field-unknown/rule.ts';
import podCrashLooping from '../pod-crash-looping/rule.ts';
import podEvicted from '../pod-evicted/rule.ts';
import pvZoneMismatch from '../pv-zone-mismatch/rule.ts';
import pvcPending from '../pvc-pending/rule.ts';
import storageclassImmediateBindingZonal from '../storageclass-immediate-binding-zonal/rule.ts';
import storageclassLegacyEbs from '../storageclass-legacy-ebs/rule.ts';

export const OPERATIONS_RULES: AnyRule[] = [
  // DNS
  dnsNdotsExternalLookups,
  dnsPolicyDefaultTrap,
  corednsCapacity,
  // Resource kills
  containerOomKilled,
  podCrashLooping,
  podEvicted,
  // Storage
  pvcPending,
  storageclassLegacyEbs,
  storageclassImmediateBindingZonal,
  nodeEbsAttachLimit,
  pvZoneMismatch,
  // Upgrades and deploys that fail
  apiVersionDeprecated,
  objectFieldUnknown,
];
