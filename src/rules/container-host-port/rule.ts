import { containersAt, podSpecAt } from '../../core/workload.ts';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'container-host-port',
  category: 'security',
  severity: 'medium',
  lesson: 'security-baseline',
  title: 'Containers should not bind ports on the node',
  appliesTo: 'workloads',
  messages: {
    hostPort:
      "container {container} binds host port {hostPort}/{protocol}: the port opens on the node's IP outside any Service, and no two such pods fit on one node, which stalls rollouts and drains",
  },
  check(entry, ctx) {
    const spec = podSpecAt(entry.object);
    // With hostNetwork every container port is a host port (the API server even fills hostPort
    // in); pod-host-namespaces reports the pod once instead of once per port.
    if (!spec || spec.hostNetwork === true) return;
    for (const { container, path } of containersAt(entry.object, { init: true })) {
      if (!Array.isArray(container.ports)) continue;
      const name = String(container.name ?? '');
      container.ports.forEach((port: unknown, index: number) => {
        if (port === null || typeof port !== 'object') return;
        const p = port as { hostPort?: unknown; protocol?: unknown };
        const hostPort = typeof p.hostPort === 'string' ? Number(p.hostPort) : p.hostPort;
        if (typeof hostPort !== 'number' || !(hostPort > 0)) return;
        ctx.report({
          messageId: 'hostPort',
          data: { container: name, hostPort, protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP' },
          container: name,
          path: [...path, 'ports', index, 'hostPort'],
        });
      });
    }
  },
});
