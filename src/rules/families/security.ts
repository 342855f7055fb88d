/** The container security baseline and network isolation. */

import containerCapabilitiesNotDropped from '../container-capabilities-not-dropped/rule.ts';
import containerDangerousCapabilityAdded from '../container-dangerous-capability-added/rule.ts';
import containerHostPort from '../container-host-port/rule.ts';
import containerImageTagMutable from '../container-image-tag-mutable/rule.ts';
import containerPrivilegeEscalationAllowed from '../container-privilege-escalation-allowed/rule.ts';
import containerPrivileged from '../container-privileged/rule.ts';
import containerRootFilesystemWritable from '../container-root-filesystem-writable/rule.ts';
import containerRunsAsRoot from '../container-runs-as-root/rule.ts';
import type { AnyRule } from '../define-rule.ts';
import namespaceWithoutDefaultDeny from '../namespace-without-default-deny/rule.ts';
import podHostNamespaces from '../pod-host-namespaces/rule.ts';
import podHostPathVolume from '../pod-host-path-volume/rule.ts';
import serviceAccountTokenAutomounted from '../service-account-token-automounted/rule.ts';

export const SECURITY_RULES: AnyRule[] = [
  containerRunsAsRoot,
  containerPrivileged,
  containerDangerousCapabilityAdded,
  containerCapabilitiesNotDropped,
  containerPrivilegeEscalationAllowed,
  containerRootFilesystemWritable,
  podHostNamespaces,
  containerHostPort,
  podHostPathVolume,
  serviceAccountTokenAutomounted,
  containerImageTagMutable,
  namespaceWithoutDefaultDeny,
];
