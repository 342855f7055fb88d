/**
 * The EC2 instance types hindsight ships with (data/aws/ec2-instance-types.json): sizes, what a
 * node of each type can allocate, the labels Karpenter gives it, on-demand prices. Read once per
 * file; the cost analysis prices from it and rules read which types a NodePool admits.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SourceError } from '../core/errors.ts';
import { packageRoot } from '../core/package-files.ts';
import { parseQuantity } from '../core/quantity.ts';
import { asRecord } from '../core/records.ts';

/** One EC2 instance type as the planner and the allocation read it; quantities in cores and bytes. */
export interface InstanceType {
  name: string;
  family: string;
  /** Karpenter's instance category: `m`, `c`, `r`, `t`, `g`… */
  category: string;
  generation: number;
  size: string;
  arch: string;
  vcpu: number;
  memoryBytes: number;
  gpuCount: number;
  /** Allocatable on an EKS AL2023 node: kube-reserved, system-reserved and eviction threshold taken off. */
  allocatable: { cpu: number; memory: number; pods: number };
  /** Extended resources the node offers (`nvidia.com/gpu`, `aws.amazon.com/neuron`…), from its allocatable. */
  extendedResources?: Record<string, number>;
  /** Labels Karpenter gives a node of this type. */
  labels: Record<string, string>;
  /** Catalogue on-demand price; undefined for the few types the catalogue has no price for. */
  catalogueOnDemandHourlyUSD?: number;
}

const catalogues = new Map<string, { region: string; types: Map<string, InstanceType> }>();

function readCatalogue(file: string): { region: string; types: Map<string, InstanceType> } {
  const cached = catalogues.get(file);
  if (cached) return cached;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SourceError(file, `cannot read the EC2 catalogue: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const root = asRecord(raw);
  const list = root?.instanceTypes;
  if (!Array.isArray(list)) throw new SourceError(file, 'the EC2 catalogue has no instanceTypes list');
  const types = new Map<string, InstanceType>();
  for (const item of list) {
    const t = asRecord(item);
    const alloc = asRecord(t?.allocatable);
    if (!t || !alloc || typeof t.name !== 'string') continue;
    const cpu = parseQuantity(String(alloc.cpu ?? ''));
    const memory = parseQuantity(String(alloc.memory ?? ''));
    const pods = parseQuantity(String(alloc.pods ?? ''));
    if (cpu === undefined || memory === undefined || pods === undefined) continue;
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(asRecord(t.labels) ?? {})) labels[k] = String(v);
    const extendedResources: Record<string, number> = {};
    for (const [k, v] of Object.entries(alloc))
      if (k.includes('/')) extendedResources[k] = parseQuantity(String(v)) ?? 0;
    const type: InstanceType = {
      name: t.name,
      family: String(t.family ?? ''),
      category: String(t.category ?? ''),
      generation: Number(t.generation ?? 0),
      size: String(t.size ?? ''),
      arch: String(t.arch ?? ''),
      vcpu: Number(t.vcpu ?? 0),
      memoryBytes: Number(t.memoryMiB ?? 0) * 2 ** 20,
      gpuCount: Number(t.gpuCount ?? 0),
      allocatable: { cpu, memory, pods },
      extendedResources,
      labels,
    };
    if (typeof t.onDemandHourlyUSD === 'number' && t.onDemandHourlyUSD > 0)
      type.catalogueOnDemandHourlyUSD = t.onDemandHourlyUSD;
    types.set(type.name, type);
  }
  const out = { region: typeof root?.region === 'string' ? root.region : 'us-east-1', types };
  catalogues.set(file, out);
  return out;
}

/** The EC2 catalogue that ships with hindsight (or `cataloguePath`), read once per file. */
export function ec2Catalogue(cataloguePath?: string): {
  region: string;
  types: ReadonlyMap<string, InstanceType>;
} {
  return readCatalogue(cataloguePath ?? path.join(packageRoot(), 'data', 'aws', 'ec2-instance-types.json'));
}
