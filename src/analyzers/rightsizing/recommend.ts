/**
 * Right-sizing for one container: hindsight's recommendation (burstable and guaranteed) beside
 * KRR `simple` and the VPA recommender's target, each with the monthly dollar change of its
 * requests:
 *
 *   delta = (recommended request − current request) × replicas × unit price × 730 h
 *
 * per resource (memory priced per GiB). When the current request is unset the recommendation is
 * priced alone (there is nothing to compare with) and the delta says so; a resource a strategy
 * gives no number for (KRR's "?") changes nothing and costs 0.
 */

import type { ContainerHistory, ResourcePair, WorkloadKey } from '../../core/usage-history.ts';
import { HOURS_PER_MONTH, type UnitPrices } from './backtest.ts';
import { type Confidence, type HindsightReason, hindsightRecommend } from './hindsight-strategy.ts';
import { GIB } from './history-window.ts';
import { type KrrResourceResult, krrSimple } from './krr.ts';
import type { Resource, ResourceSettings } from './resource-settings.ts';
import { type VpaEstimate, vpaRecommend } from './vpa.ts';

/** What the caller knows about the workload besides its usage. */
export interface RecommendContext {
  /** Resources an HPA scales the workload on (utilisation targets). */
  hpaResources: readonly Resource[];
  /** Containers in the pod (VPA divides its per-pod floors among them). */
  containersInPod: number;
  /** Replicas the workload runs (the multiplier of the dollar delta). */
  replicas: number;
  unitPrices: UnitPrices;
}

/** How a resource's part of a delta was priced. */
export type DeltaBasis = 'change' | 'recommendation-only' | 'no-recommendation';

/** The monthly dollar change of a recommendation's requests (negative saves money). */
export interface MonthlyDelta {
  /** Dollars per month, CPU and memory together. */
  total: number;
  cpu: number;
  memory: number;
  basis: Record<Resource, DeltaBasis>;
  /** Why a part was priced differently (unset current request, no recommendation). */
  notes: string[];
}

/** A strategy's requests and limits with their monthly dollar delta. */
export interface PricedSettings extends ResourceSettings {
  monthlyDelta: MonthlyDelta;
}

/** The recommendation for one container of one workload. */
export interface ContainerRecommendation {
  workload: WorkloadKey;
  container: string;
  current: { requests: ResourcePair; limits: ResourcePair };
  strategies: {
    hindsight: { burstable: PricedSettings; guaranteed: PricedSettings };
    /** KRR `simple`; `cpu`/`memory` carry its "?" and why. */
    krr: PricedSettings & { cpu: KrrResourceResult; memory: KrrResourceResult };
    /** VPA target as requests (the recommender sets no limits); bounds beside it. */
    vpa: PricedSettings & { lowerBound: VpaEstimate; upperBound: VpaEstimate; confidence: number };
  };
  /** hindsight's confidence in its own recommendation. */
  confidence: Confidence;
  reasons: HindsightReason[];
  /** Resources whose request hindsight kept because an HPA scales on them. */
  hpaProtected: Resource[];
}

const RESOURCES: readonly Resource[] = ['cpu', 'memory'];

/** Monthly dollar delta of `recommended` requests against `current` ones. */
export function monthlyDelta(
  recommended: ResourcePair,
  current: ResourcePair,
  replicas: number,
  prices: UnitPrices,
): MonthlyDelta {
  const unitMonthly: Record<Resource, number> = {
    cpu: prices.cpuCoreHour * HOURS_PER_MONTH * replicas,
    memory: (prices.memoryGiBHour / GIB) * HOURS_PER_MONTH * replicas,
  };
  const out: MonthlyDelta = {
    total: 0,
    cpu: 0,
    memory: 0,
    basis: { cpu: 'no-recommendation', memory: 'no-recommendation' },
    notes: [],
  };
  for (const r of RESOURCES) {
    const rec = recommended[r];
    const cur = current[r];
    if (rec === undefined) {
      out.notes.push(`no ${r} recommendation: the ${r} request is unchanged`);
      continue;
    }
    if (cur === undefined) {
      out[r] = rec * unitMonthly[r];
      out.basis[r] = 'recommendation-only';
      out.notes.push(`the current ${r} request is unset: the figure prices the recommended request alone`);
    } else {
      out[r] = (rec - cur) * unitMonthly[r];
      out.basis[r] = 'change';
    }
  }
  out.total = out.cpu + out.memory;
  return out;
}

/** Recommends requests and limits for one container under every strategy, priced. */
export function recommend(history: ContainerHistory, context: RecommendContext): ContainerRecommendation {
  if (!(context.replicas >= 0)) throw new Error(`replicas must be ≥ 0, got ${context.replicas}`);
  if (!(context.containersInPod >= 1)) {
    throw new Error(`containersInPod must be ≥ 1, got ${context.containersInPod}`);
  }
  const current = { requests: { ...history.requests }, limits: { ...history.limits } };
  const price = (s: ResourceSettings): PricedSettings => ({
    ...s,
    monthlyDelta: monthlyDelta(s.requests, current.requests, context.replicas, context.unitPrices),
  });

  const hs = hindsightRecommend(history, context.hpaResources);
  const krr = krrSimple(history, context.hpaResources);
  const vpa = vpaRecommend(history, context.containersInPod);
  const vpaSettings: ResourceSettings = vpa.hasRecommendation
    ? { requests: { cpu: vpa.target.cpu, memory: vpa.target.memory }, limits: {} }
    : { requests: {}, limits: {} };

  return {
    workload: history.workload,
    container: history.container,
    current,
    strategies: {
      hindsight: { burstable: price(hs.burstable), guaranteed: price(hs.guaranteed) },
      krr: { ...price(krr.settings), cpu: krr.cpu, memory: krr.memory },
      vpa: {
        ...price(vpaSettings),
        lowerBound: vpa.lowerBound,
        upperBound: vpa.upperBound,
        confidence: vpa.confidence,
      },
    },
    confidence: hs.confidence,
    reasons: hs.reasons,
    hpaProtected: hs.hpaProtected,
  };
}
