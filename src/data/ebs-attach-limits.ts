/**
 * How many EBS volumes an EC2 instance type can attach, for nodes whose CSINode does not say
 * (the CSINode's `allocatable.count` for `ebs.csi.aws.com`, which the driver computes on the
 * node, is always preferred).
 *
 * Sources:
 * - AWS, "Amazon EBS volume limits for Amazon EC2 instances" (EC2 User Guide,
 *   https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/volume_limits.html, the page the EBS CSI
 *   driver cites):
 *   most Nitro instances share 28 attachments between EBS volumes, network interfaces and NVMe
 *   instance-store volumes; newer families have a dedicated EBS limit by size; Xen instances
 *   should not exceed 39 volumes. The authoritative per-type values are
 *   `DescribeInstanceTypes → EbsInfo.maximumEbsAttachments` / `attachmentLimitType`.
 * - kubernetes-sigs/aws-ebs-csi-driver `pkg/cloud/volume_limits.go`: nitroMaxAttachments 28,
 *   nonNitroMaxAttachments 39, the non-Nitro families, the dedicated-limit families and sizes
 *   (medium–12xlarge 32, 16xlarge 48, 24xlarge 64, 32xlarge 88, 48xlarge 128, metal-16xl and
 *   metal-24xl 31, metal-32xl and metal-48xl 79), bare metal 31, the high-memory `u-` types, and
 *   the few types with lower fixed limits. The driver's node plugin then reserves the root volume
 *   (and other block device mappings) and, on shared types, the ENIs attached when it starts.
 * - Maximum network interfaces per instance size (EC2 User Guide, "Maximum IP addresses per
 *   network interface"): the common pattern for general-purpose, compute and memory families.
 *   The VPC CNI attaches ENIs as pods need IPs, so a busy node ends up near the maximum; the
 *   estimate assumes it does.
 */

/** Families built on the Xen hypervisor: a limit of 39 EBS volumes, no shared pool. */
export const NON_NITRO_FAMILIES: readonly string[] = [
  't1',
  't2',
  'm1',
  'm2',
  'm3',
  'm4',
  'c1',
  'c3',
  'c4',
  'r3',
  'r4',
  'x1',
  'x1e',
  'p2',
  'p3',
  'g2',
  'g3',
  'd2',
  'h1',
  'i2',
];

/** Families with a dedicated EBS limit (not shared with ENIs), by size below. */
export const DEDICATED_FAMILIES: readonly string[] = [
  'm7i',
  'm7i-flex',
  'm7a',
  'c7i',
  'c7i-flex',
  'c7a',
  'r7a',
  'r7i',
  'r7iz',
  'u7i',
  'm8g',
  'c8g',
  'r8g',
  'x8g',
];

export const DEDICATED_LIMITS_BY_SIZE: Readonly<Record<string, number>> = {
  medium: 32,
  large: 32,
  xlarge: 32,
  '2xlarge': 32,
  '4xlarge': 32,
  '8xlarge': 32,
  '12xlarge': 32,
  '16xlarge': 48,
  '24xlarge': 64,
  '32xlarge': 88,
  '48xlarge': 128,
  'metal-16xl': 31,
  'metal-24xl': 31,
  'metal-32xl': 79,
  'metal-48xl': 79,
};

/** Instance types with a fixed, lower EBS limit (from the CSI driver's table). */
export const FIXED_LIMITS: Readonly<Record<string, number>> = {
  'd3.8xlarge': 3,
  'd3en.12xlarge': 3,
  'g5.48xlarge': 9,
  'inf1.xlarge': 26,
  'inf1.2xlarge': 26,
  'inf1.6xlarge': 23,
  'inf1.24xlarge': 11,
  'mac1.metal': 16,
};

export const SHARED_NITRO_ATTACHMENTS = 28;
export const NON_NITRO_ATTACHMENTS = 39;
export const BARE_METAL_ATTACHMENTS = 31;
export const HIGH_MEMORY_METAL_ATTACHMENTS = 19;
export const HIGH_MEMORY_VIRTUAL_ATTACHMENTS = 27;

/** Maximum ENIs by size for the common m/c/r/t families (m5, c6i, r6g, t3, …). */
export const MAX_ENIS_BY_SIZE: Readonly<Record<string, number>> = {
  nano: 2,
  micro: 2,
  small: 3,
  medium: 3,
  large: 3,
  xlarge: 4,
  '2xlarge': 4,
  '3xlarge': 4,
  '4xlarge': 8,
  '6xlarge': 8,
  '8xlarge': 8,
  '9xlarge': 8,
  '12xlarge': 8,
  '16xlarge': 15,
  '18xlarge': 15,
  '24xlarge': 15,
  '32xlarge': 15,
  '48xlarge': 15,
  metal: 15,
};

export interface AttachLimitEstimate {
  /** Volumes that pods can attach (root volume and, on shared types, ENIs taken off). */
  limit: number;
  /** How it was worked out, in words, for the finding's message. */
  basis: string;
}

/**
 * The EBS volumes pods can attach to an instance of this type, or undefined when the type is not
 * one this table can speak for (then only the node's CSINode can).
 */
export function estimateEbsAttachLimit(instanceType: string): AttachLimitEstimate | undefined {
  const type = instanceType.trim().toLowerCase();
  const dot = type.indexOf('.');
  if (dot <= 0) return undefined;
  const family = type.slice(0, dot);
  const size = type.slice(dot + 1);
  const rootOff = (total: number, basis: string): AttachLimitEstimate => ({
    limit: total - 1,
    basis: `${basis}, minus the root volume`,
  });

  const fixed = FIXED_LIMITS[type];
  if (fixed !== undefined) return rootOff(fixed, `${type} attaches at most ${fixed} EBS volumes`);
  if (NON_NITRO_FAMILIES.includes(family))
    return rootOff(
      NON_NITRO_ATTACHMENTS,
      `${type} (Xen) supports up to ${NON_NITRO_ATTACHMENTS} EBS volumes`,
    );
  if (family.startsWith('u-'))
    return size === 'metal'
      ? rootOff(
          HIGH_MEMORY_METAL_ATTACHMENTS,
          `${type} supports ${HIGH_MEMORY_METAL_ATTACHMENTS} EBS volumes`,
        )
      : rootOff(
          HIGH_MEMORY_VIRTUAL_ATTACHMENTS,
          `${type} supports ${HIGH_MEMORY_VIRTUAL_ATTACHMENTS} EBS volumes`,
        );
  if (DEDICATED_FAMILIES.includes(family)) {
    const dedicated = DEDICATED_LIMITS_BY_SIZE[size];
    return dedicated === undefined
      ? undefined
      : rootOff(dedicated, `${type} has a dedicated limit of ${dedicated} EBS volumes`);
  }
  if (size === 'metal')
    return rootOff(
      BARE_METAL_ATTACHMENTS,
      `${type} (bare metal) supports ${BARE_METAL_ATTACHMENTS} EBS volumes`,
    );
  const enis = MAX_ENIS_BY_SIZE[size];
  if (enis === undefined) return undefined;
  return {
    limit: SHARED_NITRO_ATTACHMENTS - 1 - enis,
    basis: `${type} shares ${SHARED_NITRO_ATTACHMENTS} attachments with its network interfaces: ${SHARED_NITRO_ATTACHMENTS} minus the root volume minus up to ${enis} ENIs`,
  };
}
