import { podSpecAt, podSpecPath } from '../../core/workload.ts';
import { defineRule } from '../define-rule.ts';

const NAMESPACES = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

export default defineRule({
  id: 'pod-host-namespaces',
  category: 'security',
  severity: 'high',
  lesson: 'security-baseline',
  title: "Pods must not share the node's network, process or IPC namespace",
  appliesTo: 'workloads',
  messages: {
    hostNetwork:
      "the pod uses the node's network (hostNetwork: true): it sees all traffic of the node, can bind any node port, reaches the instance metadata endpoint and the node's IAM role despite an IMDS hop limit of 1, and most CNIs do not apply NetworkPolicies to it",
    hostPID:
      "the pod shares the node's process namespace (hostPID: true): it sees every process of the node with its command line and environment, and can signal them (or trace them with SYS_PTRACE)",
    hostIPC:
      "the pod shares the node's IPC namespace (hostIPC: true): it can read and write the shared memory of every process on the node",
  },
  check(entry, ctx) {
    const spec = podSpecAt(entry.object);
    const specPath = podSpecPath(entry.object.kind);
    if (!spec || !specPath) return;
    for (const field of NAMESPACES) {
      if (spec[field] === true) ctx.report({ messageId: field, path: [...specPath, field] });
    }
  },
});
