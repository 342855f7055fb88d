/**
 * Linux capabilities as a container's securityContext names them, and what each one is worth
 * to an attacker inside the container. Runtimes accept `SYS_ADMIN`, `CAP_SYS_ADMIN` and any
 * case (containerd upper-cases and prefixes `CAP_`), so names are normalised before comparing.
 */
import type { Severity } from './severity.ts';

/** `cap_sys_admin`, `CAP_SYS_ADMIN`, ` sys_admin ` → `SYS_ADMIN`; undefined for non-strings and blanks. */
export function normalizeCapability(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  const upper = name.trim().toUpperCase();
  const bare = upper.startsWith('CAP_') ? upper.slice(4) : upper;
  return bare === '' ? undefined : bare;
}

/**
 * Capabilities the Pod Security Standards' *baseline* profile lets a container add: the
 * runtime's default set minus NET_RAW. Adding one of these back after `drop: [ALL]` is the
 * recommended way to grant what a process needs.
 */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

export interface CapabilityRisk {
  severity: Severity;
  /** What the capability lets a compromised process do, in a clause for a message. */
  why: string;
}

const RISKS: Record<string, CapabilityRisk> = {
  ALL: { severity: 'critical', why: 'every capability, nearly the same as privileged' },
  SYS_ADMIN: {
    severity: 'critical',
    why: 'mount filesystems, use namespaces and BPF and much more: the usual container escape',
  },
  SYS_MODULE: { severity: 'critical', why: 'load kernel modules into the node kernel' },
  SYS_RAWIO: { severity: 'critical', why: 'raw access to devices, I/O ports and kernel memory' },
  DAC_READ_SEARCH: {
    severity: 'critical',
    why: 'open files by handle, which reads files of the node outside the container (the "shocker" escape)',
  },
  SYS_PTRACE: {
    severity: 'high',
    why: 'trace and inject code into other processes (every node process with hostPID)',
  },
  NET_ADMIN: {
    severity: 'high',
    why: 'change interfaces, routes and iptables rules, and sniff or redirect traffic',
  },
  BPF: { severity: 'high', why: 'load BPF programs into the node kernel' },
  PERFMON: { severity: 'high', why: 'attach perf and BPF tracing to the node kernel and read its memory' },
  SYS_TIME: {
    severity: 'high',
    why: "set the node's clock, which breaks TLS and tokens for every pod on it",
  },
  SYSLOG: { severity: 'high', why: 'read the kernel log and kernel addresses that defeat KASLR' },
  MAC_ADMIN: { severity: 'high', why: 'change AppArmor or SELinux policy' },
  MAC_OVERRIDE: { severity: 'high', why: 'bypass AppArmor or SELinux policy' },
  SYS_BOOT: { severity: 'high', why: 'reboot and load a new kernel' },
  LINUX_IMMUTABLE: { severity: 'high', why: 'change immutable and append-only files' },
  AUDIT_CONTROL: { severity: 'high', why: 'turn kernel auditing off' },
  CHECKPOINT_RESTORE: { severity: 'high', why: 'checkpoint and restore other processes' },
  NET_RAW: {
    severity: 'medium',
    why: 'craft raw packets: ARP and DNS spoofing against neighbouring pods',
  },
  SYS_RESOURCE: { severity: 'medium', why: 'override resource limits and quotas' },
  SYS_NICE: { severity: 'medium', why: "raise its priority and starve the node's other processes" },
  IPC_LOCK: { severity: 'medium', why: 'lock memory the kernel cannot reclaim' },
  IPC_OWNER: { severity: 'medium', why: 'bypass permission checks on shared memory and message queues' },
  NET_BROADCAST: { severity: 'medium', why: 'broadcast and listen to multicast' },
  SYS_PACCT: { severity: 'medium', why: 'turn process accounting on or off' },
  SYS_TTY_CONFIG: { severity: 'medium', why: 'reconfigure terminals' },
  AUDIT_READ: { severity: 'medium', why: 'read the kernel audit log' },
  BLOCK_SUSPEND: { severity: 'medium', why: 'stop the node from suspending' },
  WAKE_ALARM: { severity: 'medium', why: 'set alarms that wake the node' },
  LEASE: { severity: 'medium', why: 'take leases on files it does not own' },
};

/**
 * The risk of adding a capability; undefined for capabilities the baseline profile allows and
 * for names that are not capabilities (the runtime refuses to start such a container, so no
 * privilege is granted).
 */
export function capabilityRisk(capability: string): CapabilityRisk | undefined {
  if (BASELINE_CAPABILITIES.has(capability)) return undefined;
  return RISKS[capability];
}
