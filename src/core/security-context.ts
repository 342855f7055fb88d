/**
 * A container's effective security settings: the container's securityContext wins over the
 * pod's for the fields both have (runAsUser, runAsNonRoot, runAsGroup, seccompProfile…), as the
 * kubelet applies them.
 */
import type { Container, PodSpec } from './pod-spec.ts';

export interface SecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string };
  [key: string]: unknown;
}

function asContext(value: unknown): SecurityContext {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as SecurityContext)
    : {};
}

export function containerContext(container: Container): SecurityContext {
  return asContext(container.securityContext);
}

export function podContext(spec: PodSpec | undefined): SecurityContext {
  return asContext(spec?.securityContext);
}

/** Fields that a pod-level securityContext provides and a container may override. */
const INHERITED = ['runAsUser', 'runAsGroup', 'runAsNonRoot', 'seccompProfile'] as const;

export function effectiveContext(container: Container, spec: PodSpec | undefined): SecurityContext {
  const pod = podContext(spec);
  const own = containerContext(container);
  const out: SecurityContext = { ...own };
  for (const field of INHERITED) {
    if (out[field] === undefined && pod[field] !== undefined)
      (out as Record<string, unknown>)[field] = pod[field];
  }
  return out;
}
