/**
 * What a node costs per hour: the EC2 catalogue that ships with hindsight
 * (`data/aws/ec2-instance-types.json`, us-east-1 on-demand prices, allocatable with the AL2023
 * overhead already subtracted), a spot price from a discount model, and a user price file that
 * overrides both (negotiated rates, Savings Plans, real spot prices from the Spot Data Feed).
 *
 * hindsight does not call the AWS Pricing or EC2 APIs: prices are an offline estimate, and the
 * report says so. Fargate nodes are priced by the pod's provisioned vCPU and memory.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError, SourceError } from '../../core/errors.ts';
import { asRecord } from '../../core/records.ts';
import type { KubeObject } from '../../core/resource.ts';
import { ec2Catalogue, type InstanceType } from '../../data/ec2-catalogue.ts';
import { INSTANCE_TYPE_LABEL } from '../../scheduling/node-pool.ts';
import { nodeCapacityType } from '../../scheduling/placement.ts';

/** The capacity types hindsight prices; `reserved` capacity is priced as on-demand. */
export type PricedCapacityType = 'spot' | 'on-demand';

export const PRICED_CAPACITY_TYPES: readonly PricedCapacityType[] = ['on-demand', 'spot'];

/** Hours in a month the way AWS and OpenCost count them (8760 / 12). */
export const HOURS_PER_MONTH = 730;

/** EKS Fargate nodes carry this label with value `fargate`. */
export const COMPUTE_TYPE_LABEL = 'eks.amazonaws.com/compute-type';
/** Annotation EKS Fargate puts on each pod: the billed size, e.g. `0.25vCPU 0.5GB`. */
export const FARGATE_CAPACITY_ANNOTATION = 'CapacityProvisioned';

/** Where a price came from, for the report. */
export type PriceSource = 'catalogue' | 'spot-discount-model' | 'price-file' | 'fargate-rates';

export interface HourlyPrice {
  hourlyUSD: number;
  source: PriceSource;
}

/** One entry of a user price file. */
export interface PriceOverride {
  instanceType: string;
  capacityType: PricedCapacityType;
  hourlyUSD: number;
}

/** Fargate's per-resource rates, per architecture. */
export interface FargateRates {
  /** $ per vCPU-hour. */
  vcpuHourlyUSD: number;
  /** $ per GB-hour (Fargate bills memory in GB as it names it, i.e. the `GB` of `CapacityProvisioned`). */
  memoryGBHourlyUSD: number;
}

/**
 * Estimated spot discount (fraction off the on-demand price) per Karpenter instance category.
 *
 * ESTIMATE, not a quote: spot prices move hourly per type and zone. The figures are round
 * mid-points of the "savings over on-demand" ranges the AWS Spot Instance Advisor showed for
 * us-east-1 Linux in 2025 (general purpose and compute mostly 60–70 %, memory-optimised
 * 65–75 %, burstable ~70 %, accelerated and high-memory less). Override per category with
 * `spotDiscounts`, or per type with a price file entry `capacityType: spot` — the way to use
 * real prices (Spot Data Feed, `aws ec2 describe-spot-price-history`).
 */
export const DEFAULT_SPOT_DISCOUNTS: Readonly<Record<string, number>> = {
  // general purpose
  m: 0.65,
  a: 0.6,
  t: 0.7,
  // compute optimised
  c: 0.65,
  // memory optimised and high-memory
  r: 0.68,
  x: 0.6,
  z: 0.6,
  u: 0.5,
  // storage optimised
  i: 0.7,
  d: 0.65,
  im: 0.65,
  is: 0.65,
  h: 0.65,
  // accelerated
  g: 0.55,
  gr: 0.55,
  p: 0.5,
  inf: 0.55,
  trn: 0.5,
  dl: 0.5,
  vt: 0.55,
  f: 0.5,
  // HPC types are not sold as spot at all: a discount of 0 still gives a price, so the
  // categories that have no spot market are listed in NO_SPOT_CATEGORIES instead.
};

/** Used for a category the table does not name. */
export const FALLBACK_SPOT_DISCOUNT = 0.6;

/** Categories AWS does not offer as spot (hpc*: on-demand only). */
export const NO_SPOT_CATEGORIES: readonly string[] = ['hpc'];

/**
 * AWS Fargate rates for Linux in us-east-1 (published price list, unchanged since the
 * 2020-09 price cut): x86 $0.04048 per vCPU-hour and $0.004445 per GB-hour; Graviton (arm64)
 * $0.03238 and $0.00356. EKS does not run pods on Fargate Spot. Ephemeral storage beyond the
 * free 20 GB is not counted.
 */
export const DEFAULT_FARGATE_RATES: Readonly<Record<'amd64' | 'arm64', FargateRates>> = {
  amd64: { vcpuHourlyUSD: 0.04048, memoryGBHourlyUSD: 0.004445 },
  arm64: { vcpuHourlyUSD: 0.03238, memoryGBHourlyUSD: 0.00356 },
};

export interface PriceBookOptions {
  /** The catalogue file; default `data/aws/ec2-instance-types.json` under the package root. */
  cataloguePath?: string;
  /** Spot discount per category, merged over DEFAULT_SPOT_DISCOUNTS (0.65 = 65 % off on-demand). */
  spotDiscounts?: Record<string, number>;
  /** A price file (YAML or JSON: a list of { instanceType, capacityType, hourlyUSD }). */
  priceFile?: string;
  /** Overrides given directly (after the price file's, so these win). */
  overrides?: readonly PriceOverride[];
  /** Fargate rates; default DEFAULT_FARGATE_RATES. */
  fargateRates?: Readonly<Record<'amd64' | 'arm64', FargateRates>>;
}

/** What a Node costs, or why hindsight cannot say. */
export type NodePrice =
  | {
      priced: true;
      node: string;
      /** Instance type, or `fargate`. */
      instanceType: string;
      capacityType: PricedCapacityType;
      hourlyUSD: number;
      source: PriceSource;
      /** Assumptions the caller should show: an unlabelled capacity type taken as on-demand… */
      notes: string[];
    }
  | { priced: false; node: string; instanceType?: string; reason: string };

export interface PriceBook {
  region: string;
  /** Every catalogue type by name. */
  instanceTypes: ReadonlyMap<string, InstanceType>;
  /** The hourly price of a type for a capacity type; undefined when neither catalogue nor file prices it. */
  hourly(instanceType: string, capacityType: PricedCapacityType): HourlyPrice | undefined;
  /**
   * The price of a Node from its labels. Fargate nodes need the pods bound to them (their
   * `CapacityProvisioned` annotation is what Fargate bills).
   */
  priceOfNode(node: KubeObject, podsOnNode?: readonly KubeObject[]): NodePrice;
  /** Spot discounts in force, per category. */
  spotDiscounts: Readonly<Record<string, number>>;
}

/**
 * Reads a price file: YAML or JSON, a list of `{ instanceType, capacityType, hourlyUSD }` (or an
 * object with such a list under `prices`). Throws SourceError naming the file, or the file and
 * the entry, when it cannot be used.
 */
export function readPriceFile(file: string): PriceOverride[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SourceError(file, `cannot read the price file: ${(error as Error).message}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text); // YAML is a superset of JSON
  } catch (error) {
    throw new SourceError(file, `the price file is not valid YAML or JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const list = Array.isArray(raw) ? raw : asRecord(raw)?.prices;
  if (!Array.isArray(list))
    throw new SourceError(file, 'a price file is a list of { instanceType, capacityType, hourlyUSD }');
  return list.map((item, index) => {
    const e = asRecord(item);
    const where = `entry ${index + 1}${typeof e?.instanceType === 'string' ? ` (${e.instanceType})` : ''}`;
    if (!e)
      throw new SourceError(file, `${where}: expected a mapping { instanceType, capacityType, hourlyUSD }`);
    if (typeof e.instanceType !== 'string' || e.instanceType === '')
      throw new SourceError(file, `${where}: instanceType must be a non-empty string`);
    if (e.capacityType !== 'spot' && e.capacityType !== 'on-demand')
      throw new SourceError(
        file,
        `${where}: capacityType must be spot or on-demand, got ${JSON.stringify(e.capacityType)}`,
      );
    const hourly = typeof e.hourlyUSD === 'string' ? Number(e.hourlyUSD) : e.hourlyUSD;
    if (typeof hourly !== 'number' || !Number.isFinite(hourly) || hourly < 0)
      throw new SourceError(
        file,
        `${where}: hourlyUSD must be a number ≥ 0, got ${JSON.stringify(e.hourlyUSD)}`,
      );
    return { instanceType: e.instanceType, capacityType: e.capacityType, hourlyUSD: hourly };
  });
}

function validateDiscounts(discounts: Record<string, number>): void {
  for (const [category, d] of Object.entries(discounts))
    if (typeof d !== 'number' || !Number.isFinite(d) || d < 0 || d >= 1)
      throw new ConfigError(`spot discount for category "${category}" must be in [0, 1), got ${String(d)}`);
}

/** `0.25vCPU 0.5GB` → { vcpu: 0.25, gb: 0.5 }. */
export function parseFargateCapacity(value: string): { vcpu: number; gb: number } | undefined {
  const m = /^\s*([\d.]+)\s*vCPU\s+([\d.]+)\s*GB\s*$/i.exec(value);
  if (!m) return undefined;
  const vcpu = Number(m[1]);
  const gb = Number(m[2]);
  return Number.isFinite(vcpu) && Number.isFinite(gb) ? { vcpu, gb } : undefined;
}

function nodeLabelsOf(node: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(node.metadata.labels) ?? {})) out[k] = String(v);
  return out;
}

/** Loads the catalogue, the spot discount model and the price file into a PriceBook. */
export function loadPriceBook(options: PriceBookOptions = {}): PriceBook {
  const { region, types } = ec2Catalogue(options.cataloguePath);
  const spotDiscounts = { ...DEFAULT_SPOT_DISCOUNTS, ...(options.spotDiscounts ?? {}) };
  validateDiscounts(spotDiscounts);
  const overrides = new Map<string, number>();
  const key = (t: string, c: PricedCapacityType) => `${t}\u0000${c}`;
  for (const o of [
    ...(options.priceFile ? readPriceFile(options.priceFile) : []),
    ...(options.overrides ?? []),
  ])
    overrides.set(key(o.instanceType, o.capacityType), o.hourlyUSD);
  const fargate = options.fargateRates ?? DEFAULT_FARGATE_RATES;

  const hourly = (instanceType: string, capacityType: PricedCapacityType): HourlyPrice | undefined => {
    const own = overrides.get(key(instanceType, capacityType));
    if (own !== undefined) return { hourlyUSD: own, source: 'price-file' };
    const type = types.get(instanceType);
    if (!type) return undefined;
    // An on-demand price from the file is the base of the spot estimate too.
    const onDemand = overrides.get(key(instanceType, 'on-demand')) ?? type.catalogueOnDemandHourlyUSD;
    if (onDemand === undefined) return undefined;
    if (capacityType === 'on-demand') return { hourlyUSD: onDemand, source: 'catalogue' };
    if (NO_SPOT_CATEGORIES.includes(type.category)) return undefined;
    const discount = spotDiscounts[type.category] ?? FALLBACK_SPOT_DISCOUNT;
    return { hourlyUSD: onDemand * (1 - discount), source: 'spot-discount-model' };
  };

  const priceOfFargate = (
    node: KubeObject,
    labels: Record<string, string>,
    pods: readonly KubeObject[],
  ): NodePrice => {
    const name = node.metadata.name ?? '';
    const bound = pods.filter((p) => asRecord(p.spec)?.nodeName === name);
    const annotation = bound
      .map((p) => asRecord(p.metadata.annotations)?.[FARGATE_CAPACITY_ANNOTATION])
      .find((a): a is string => typeof a === 'string');
    const size = annotation === undefined ? undefined : parseFargateCapacity(annotation);
    if (!size)
      return {
        priced: false,
        node: name,
        instanceType: 'fargate',
        reason: `Fargate node without a pod carrying a readable ${FARGATE_CAPACITY_ANNOTATION} annotation`,
      };
    const arch = labels['kubernetes.io/arch'] === 'arm64' ? 'arm64' : 'amd64';
    const rates = fargate[arch];
    return {
      priced: true,
      node: name,
      instanceType: 'fargate',
      capacityType: 'on-demand',
      hourlyUSD: size.vcpu * rates.vcpuHourlyUSD + size.gb * rates.memoryGBHourlyUSD,
      source: 'fargate-rates',
      notes: [`Fargate ${annotation} at ${region} ${arch} rates`],
    };
  };

  const priceOfNode = (node: KubeObject, podsOnNode: readonly KubeObject[] = []): NodePrice => {
    const name = node.metadata.name ?? '';
    const labels = nodeLabelsOf(node);
    if (labels[COMPUTE_TYPE_LABEL] === 'fargate') return priceOfFargate(node, labels, podsOnNode);
    const instanceType = labels[INSTANCE_TYPE_LABEL] ?? labels['beta.kubernetes.io/instance-type'];
    if (!instanceType) return { priced: false, node: name, reason: `no ${INSTANCE_TYPE_LABEL} label` };
    const notes: string[] = [];
    const stated = nodeCapacityType(labels);
    let capacityType: PricedCapacityType;
    if (stated === 'spot') capacityType = 'spot';
    else if (stated === 'on-demand') capacityType = 'on-demand';
    else if (stated === 'reserved') {
      capacityType = 'on-demand';
      notes.push('reserved capacity priced at the on-demand rate');
    } else {
      capacityType = 'on-demand';
      notes.push('no capacity-type label: taken as on-demand');
    }
    const price = hourly(instanceType, capacityType);
    if (!price) {
      const reason = !types.has(instanceType)
        ? `instance type ${instanceType} is not in the ${region} catalogue and no price file entry names it`
        : `no ${capacityType} price for ${instanceType} in the catalogue or the price file`;
      return { priced: false, node: name, instanceType, reason };
    }
    return { priced: true, node: name, instanceType, capacityType, ...price, notes };
  };

  return { region, instanceTypes: types, hourly, priceOfNode, spotDiscounts };
}
