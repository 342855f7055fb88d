/**
 * Which operating system a pod runs on. Linux security settings (capabilities,
 * readOnlyRootFilesystem, allowPrivilegeEscalation, privileged) do not exist for Windows
 * containers: the API server rejects them when `spec.os.name` is `windows`, so rules about them
 * must not ask a Windows pod to set them.
 */
import type { PodSpec } from './pod-spec.ts';

export function isWindowsPod(spec: PodSpec | undefined): boolean {
  const os = spec?.os;
  return os !== null && typeof os === 'object' && (os as { name?: unknown }).name === 'windows';
}
