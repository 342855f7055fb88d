import { hostPathRisk, normalizeHostPath } from '../../core/host-paths.ts';
import { asRecord } from '../../core/records.ts';
import { type Severity, severityRank } from '../../core/severity.ts';
import { containersAt, podSpecAt, podSpecPath } from '../../core/workload.ts';
import { defineRule } from '../define-rule.ts';

interface Exposure {
  severity: Severity;
  path: string;
  what: string;
  sensitive: boolean;
}

export default defineRule({
  id: 'pod-host-path-volume',
  category: 'security',
  severity: 'medium',
  lesson: 'security-baseline',
  title: "Pods should not mount the node's filesystem",
  appliesTo: 'workloads',
  messages: {
    sensitive: 'hostPath volume {volume} mounts {path} of the node {access}: {what}',
    hostPath:
      "hostPath volume {volume} mounts {path} of the node {access}: the pod uses the files of whichever node it lands on and depends on that node's disk",
  },
  check(entry, ctx) {
    const spec = podSpecAt(entry.object);
    const specPath = podSpecPath(entry.object.kind);
    if (!spec || !specPath || !Array.isArray(spec.volumes)) return;
    const containers = containersAt(entry.object, { init: true });

    spec.volumes.forEach((raw: unknown, index: number) => {
      const volume = asRecord(raw);
      const hostPath = asRecord(volume?.hostPath);
      if (!volume || !hostPath || typeof hostPath.path !== 'string') return;
      const volumeName = String(volume.name ?? '');
      const isSocket = hostPath.type === 'Socket';

      let worst: Exposure | undefined;
      const writers: string[] = [];
      const readers: string[] = [];
      for (const { container } of containers) {
        const mounts = Array.isArray(container.volumeMounts) ? container.volumeMounts : [];
        for (const m of mounts) {
          const mount = asRecord(m);
          if (!mount || mount.name !== volumeName) continue;
          const readOnly = mount.readOnly === true;
          const cname = String(container.name ?? '');
          (readOnly ? readers : writers).push(cname);
          // A subPath narrows (or, for `/`, picks) what of the node the container sees.
          const sub = typeof mount.subPath === 'string' && mount.subPath !== '' ? mount.subPath : '';
          const effective = normalizeHostPath(sub ? `${hostPath.path}/${sub}` : hostPath.path);
          const risk = hostPathRisk(effective, isSocket);
          const severity = readOnly ? risk.readOnly : risk.readWrite;
          if (!worst || severityRank(severity) > severityRank(worst.severity))
            worst = { severity, path: effective, what: risk.what, sensitive: risk.sensitive };
        }
      }
      // A volume no container mounts exposes nothing.
      if (!worst) return;
      const unique = (names: string[]) => [...new Set(names)].join(', ');
      const access =
        writers.length > 0
          ? `read-write (${unique(writers)})${readers.length > 0 ? `, read-only (${unique(readers)})` : ''}`
          : `read-only (${unique(readers)})`;
      ctx.report({
        messageId: worst.sensitive ? 'sensitive' : 'hostPath',
        data: { volume: volumeName, path: worst.path, access, what: worst.what },
        path: [...specPath, 'volumes', index, 'hostPath', 'path'],
        severity: worst.severity,
        ...(writers.length + readers.length === 1 ? { container: writers[0] ?? readers[0] ?? '' } : {}),
      });
    });
  },
});
