/**
 * What a hostPath volume exposes of the node. A path is as dangerous as the most dangerous
 * thing it is, is inside, or contains: `/var` contains `/var/run/docker.sock`. Read-only lowers
 * the risk of files but not of sockets: connecting to a Unix socket works on a read-only mount,
 * so a read-only docker.sock is still root on the node.
 */
import { posix } from 'node:path';
import type { Severity } from './severity.ts';

export interface HostPathRisk {
  /** Severity when some container can write to the mount. */
  readWrite: Severity;
  /** Severity when every mount of it is read-only. */
  readOnly: Severity;
  /** What it exposes, as a clause for a message. */
  what: string;
  /** True when the path is one of the known sensitive places (or inside or above one). */
  sensitive: boolean;
}

interface Entry {
  path: string;
  readWrite: Severity;
  readOnly: Severity;
  what: string;
  /** Sockets stay dangerous read-only, and so does any directory that contains one. */
  socket?: boolean;
}

const RUNTIME_SOCKET = "the container runtime's API socket: whoever reaches it is root on the node";

const SENSITIVE: readonly Entry[] = [
  {
    path: '/var/run/docker.sock',
    readWrite: 'critical',
    readOnly: 'critical',
    what: RUNTIME_SOCKET,
    socket: true,
  },
  {
    path: '/run/docker.sock',
    readWrite: 'critical',
    readOnly: 'critical',
    what: RUNTIME_SOCKET,
    socket: true,
  },
  {
    path: '/var/run/containerd',
    readWrite: 'critical',
    readOnly: 'critical',
    what: RUNTIME_SOCKET,
    socket: true,
  },
  {
    path: '/run/containerd',
    readWrite: 'critical',
    readOnly: 'critical',
    what: RUNTIME_SOCKET,
    socket: true,
  },
  { path: '/var/run/crio', readWrite: 'critical', readOnly: 'critical', what: RUNTIME_SOCKET, socket: true },
  { path: '/run/crio', readWrite: 'critical', readOnly: 'critical', what: RUNTIME_SOCKET, socket: true },
  {
    path: '/var/run/cri-dockerd.sock',
    readWrite: 'critical',
    readOnly: 'critical',
    what: RUNTIME_SOCKET,
    socket: true,
  },
  {
    path: '/run/cri-dockerd.sock',
    readWrite: 'critical',
    readOnly: 'critical',
    what: RUNTIME_SOCKET,
    socket: true,
  },
  {
    path: '/var/lib/kubelet',
    readWrite: 'critical',
    readOnly: 'high',
    what: "every pod's Secrets and service-account tokens on the node, and the kubelet's credentials",
  },
  {
    path: '/etc',
    readWrite: 'critical',
    readOnly: 'high',
    what: "the node's configuration and credentials (kubelet kubeconfig, /etc/shadow, cron, sudoers)",
  },
  {
    path: '/proc',
    readWrite: 'critical',
    readOnly: 'high',
    what: "every node process's memory and environment, and the kernel's settings",
  },
  {
    path: '/sys',
    readWrite: 'critical',
    readOnly: 'high',
    what: 'kernel, cgroup and device settings of the node',
  },
  { path: '/dev', readWrite: 'critical', readOnly: 'high', what: "the node's devices and raw disks" },
  {
    path: '/root',
    readWrite: 'critical',
    readOnly: 'high',
    what: "root's home: SSH keys and cloud credentials",
  },
  {
    path: '/var/lib/docker',
    readWrite: 'critical',
    readOnly: 'high',
    what: "every container's filesystem and image on the node",
  },
  {
    path: '/var/lib/containerd',
    readWrite: 'critical',
    readOnly: 'high',
    what: "every container's filesystem and image on the node",
  },
  {
    path: '/var/lib/etcd',
    readWrite: 'critical',
    readOnly: 'high',
    what: 'the etcd database: every Secret of the cluster',
  },
  {
    path: '/usr',
    readWrite: 'critical',
    readOnly: 'low',
    what: 'the binaries and libraries the node runs as root',
  },
  { path: '/bin', readWrite: 'critical', readOnly: 'low', what: 'the binaries the node runs as root' },
  { path: '/sbin', readWrite: 'critical', readOnly: 'low', what: 'the binaries the node runs as root' },
  { path: '/lib', readWrite: 'critical', readOnly: 'low', what: 'the libraries the node runs as root' },
  { path: '/lib64', readWrite: 'critical', readOnly: 'low', what: 'the libraries the node runs as root' },
  {
    path: '/opt/cni',
    readWrite: 'critical',
    readOnly: 'low',
    what: 'the CNI plugins the kubelet runs as root',
  },
  { path: '/boot', readWrite: 'high', readOnly: 'medium', what: "the node's kernel and bootloader" },
  {
    path: '/var/log',
    readWrite: 'high',
    readOnly: 'medium',
    what: "every pod's logs on the node; a writable mount also lets a pod plant symlinks that the kubelet follows when serving logs, which reads any file of the node",
  },
];

/** Read-only system data that agents commonly mount: CA bundles, time zones, OS release. */
const SYSTEM_DATA = [
  '/etc/ssl',
  '/etc/pki',
  '/etc/ca-certificates',
  '/usr/share/ca-certificates',
  '/etc/localtime',
  '/usr/share/zoneinfo',
  '/etc/machine-id',
  '/etc/os-release',
  '/usr/lib/os-release',
];

function isWithin(path: string, parent: string): boolean {
  return parent === '/' ? true : path === parent || path.startsWith(`${parent}/`);
}

/** `/var/log/` → `/var/log`, `//etc/../etc` → `/etc`; relative paths are taken from `/`. */
export function normalizeHostPath(path: string): string {
  const normal = posix.normalize(posix.join('/', path.trim()));
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

const RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** The risk of mounting `path` from the node; `isSocket` when the volume says `type: Socket`. */
export function hostPathRisk(path: string, isSocket = false): HostPathRisk {
  const p = normalizeHostPath(path);
  if (p === '/')
    return {
      readWrite: 'critical',
      readOnly: 'critical',
      what: "the node's whole filesystem, including the container runtime's socket",
      sensitive: true,
    };

  if (SYSTEM_DATA.some((s) => isWithin(p, s)))
    return {
      readWrite: 'high',
      readOnly: 'low',
      what: 'system data of the node (certificates, time zone)',
      sensitive: false,
    };

  let best: HostPathRisk | undefined;
  for (const e of SENSITIVE) {
    let risk: HostPathRisk | undefined;
    if (isWithin(p, e.path)) {
      risk = { readWrite: e.readWrite, readOnly: e.readOnly, what: e.what, sensitive: true };
    } else if (isWithin(e.path, p)) {
      // The volume is a parent of a sensitive place and exposes it too.
      risk = {
        readWrite: e.readWrite,
        readOnly: e.readOnly,
        what: `it contains ${e.path}: ${e.what}`,
        sensitive: true,
      };
    }
    if (
      risk &&
      (!best || RANK[risk.readOnly] + RANK[risk.readWrite] > RANK[best.readOnly] + RANK[best.readWrite])
    )
      best = risk;
  }
  if (best) return best;
  if (isSocket || p.endsWith('.sock'))
    return {
      readWrite: 'high',
      readOnly: 'high',
      what: "a node daemon's socket: the pod can call whatever API it serves, read-only or not",
      sensitive: true,
    };
  return {
    readWrite: 'medium',
    readOnly: 'low',
    what: "the pod reads the node's files and is tied to that node's disk",
    sensitive: false,
  };
}
