/**
 * The VPA recommender's histogram (`vertical-pod-autoscaler/pkg/recommender/util/histogram.go`
 * and `decaying_histogram.go`), reimplemented so hindsight's VPA baseline gives the numbers the
 * real recommender would.
 *
 * Buckets grow exponentially: bucket `b` starts at `first·(ratio^b − 1)/(ratio − 1)` (bucket 0
 * starts at 0), with `ratio = 1 + growth`; the last bucket starts at or above `max` and has no
 * upper end. Each sample adds its weight to one bucket. A percentile walks the buckets until the
 * cumulative weight reaches `p·total` and returns the END of that bucket, so it over-states the
 * exact percentile `v` by at most one bucket width: the result lies in `[v, (1 + growth)·v + first]`.
 *
 * The decaying variant multiplies a sample's weight by `2^((t − reference)/halfLife)`: a sample
 * one half-life older than another counts half as much. Only relative weights matter, so the
 * reference timestamp (an integer multiple of the half-life) is shifted forward, and all weights
 * rescaled, once an exponent would exceed `MAX_DECAY_EXPONENT` half-lives.
 */

/** Bucket growth VPA uses for CPU and memory (`DefaultHistogramBucketSizeGrowth`). */
export const BUCKET_SIZE_GROWTH = 0.05;
/** A bucket lighter than this counts as empty (VPA `epsilon`). */
export const HISTOGRAM_EPSILON = 1e-4;
/** Weight of one CPU sample (VPA `minSampleWeight`, used for every CPU sample since 2025-02). */
export const MIN_SAMPLE_WEIGHT = 0.1;
/** Renormalise once a decay exponent exceeds this many half-lives (VPA `maxDecayExponent`). */
export const MAX_DECAY_EXPONENT = 100;

/** An exponential bucketing scheme. */
export interface HistogramOptions {
  /** Width of the first non-zero bucket (cores or bytes). */
  firstBucketSize: number;
  /** The last bucket starts at or just above this value. */
  maxValue: number;
  /** Each bucket is this fraction wider than the previous one. */
  growth: number;
  epsilon: number;
}

/** VPA's CPU buckets: 0.01 core wide at first, up to 1000 cores (176 buckets). */
export const CPU_HISTOGRAM: HistogramOptions = {
  firstBucketSize: 0.01,
  maxValue: 1000,
  growth: BUCKET_SIZE_GROWTH,
  epsilon: HISTOGRAM_EPSILON,
};

/** VPA's memory buckets: 1e7 bytes wide at first, up to 1e12 bytes (176 buckets). */
export const MEMORY_HISTOGRAM: HistogramOptions = {
  firstBucketSize: 1e7,
  maxValue: 1e12,
  growth: BUCKET_SIZE_GROWTH,
  epsilon: HISTOGRAM_EPSILON,
};

/** Number of buckets, such that the last one starts at `maxValue` (VPA's formula). */
export function bucketCount(o: HistogramOptions): number {
  const ratio = 1 + o.growth;
  return Math.ceil(Math.log((o.maxValue * (ratio - 1)) / o.firstBucketSize + 1) / Math.log(ratio)) + 1;
}

/** Start of bucket `b`: 0 for bucket 0, else `first·(ratio^b − 1)/growth`. */
export function bucketStart(o: HistogramOptions, b: number): number {
  if (b === 0) return 0;
  return (o.firstBucketSize * ((1 + o.growth) ** b - 1)) / o.growth;
}

/** The bucket a value falls in; values below the first bucket size go to 0, huge ones to the last. */
export function findBucket(o: HistogramOptions, value: number): number {
  if (value < o.firstBucketSize) return 0;
  const ratio = 1 + o.growth;
  // VPA's formula as it is, floating point included: a value on a boundary lands where Go puts it.
  const b = Math.floor(Math.log((value * (ratio - 1)) / o.firstBucketSize + 1) / Math.log(ratio));
  const n = bucketCount(o);
  return b >= n ? n - 1 : b;
}

/**
 * A histogram with exponentially decaying sample weights (VPA's `decayingHistogram`). Time is in
 * unix seconds; `halfLifeSeconds` must be positive.
 */
export class DecayingHistogram {
  readonly options: HistogramOptions;
  readonly halfLifeSeconds: number;
  readonly #weights: Float64Array;
  #total = 0;
  #minBucket: number;
  #maxBucket = 0;
  /** Undefined until the first sample (VPA's zero time, which the first sample shifts). */
  #reference: number | undefined;

  constructor(options: HistogramOptions, halfLifeSeconds: number) {
    if (!(halfLifeSeconds > 0)) throw new Error(`half-life must be > 0, got ${halfLifeSeconds}`);
    this.options = options;
    this.halfLifeSeconds = halfLifeSeconds;
    this.#weights = new Float64Array(bucketCount(options));
    this.#minBucket = this.#weights.length - 1;
  }

  /** Sum of the (decayed, possibly renormalised) weights. */
  get totalWeight(): number {
    return this.#total;
  }

  /** The current reference timestamp (unix seconds), once a sample has been added. */
  get referenceTimestamp(): number | undefined {
    return this.#reference;
  }

  /** Weight held by bucket `b` (relative to the reference timestamp). */
  bucketWeight(b: number): number {
    return this.#weights[b] ?? 0;
  }

  /** Adds `value` with `weight` observed at unix second `time`. */
  addSample(value: number, weight: number, time: number): void {
    if (weight < 0) throw new Error(`sample weight must be non-negative, got ${weight}`);
    const w = weight * this.#decayFactor(time);
    const b = findBucket(this.options, value);
    const next = (this.#weights[b] ?? 0) + w;
    this.#weights[b] = next;
    this.#total += w;
    if (b < this.#minBucket && next >= this.options.epsilon) this.#minBucket = b;
    if (b > this.#maxBucket && next >= this.options.epsilon) this.#maxBucket = b;
  }

  /** Removes a sample added earlier (VPA replaces a memory peak this way); never below zero. */
  subtractSample(value: number, weight: number, time: number): void {
    if (weight < 0) throw new Error(`sample weight must be non-negative, got ${weight}`);
    let w = weight * this.#decayFactor(time);
    const b = findBucket(this.options, value);
    const held = this.#weights[b] ?? 0;
    if (w > held - this.options.epsilon) w = held;
    this.#total -= w;
    this.#weights[b] = held - w;
    this.#updateMinAndMax();
  }

  /** True when no bucket holds at least epsilon. */
  isEmpty(): boolean {
    return (this.#weights[this.#minBucket] ?? 0) < this.options.epsilon;
  }

  /**
   * The `p` percentile (0..1): the END of the first bucket at which the cumulative weight reaches
   * `p·total` (the start of the last bucket if it is that one); 0 when empty.
   */
  percentile(p: number): number {
    if (this.isEmpty()) return 0;
    const threshold = p * this.#total;
    let partial = 0;
    let b = this.#minBucket;
    for (; b < this.#maxBucket; b++) {
      partial += this.#weights[b] ?? 0;
      if (partial >= threshold) break;
    }
    if (b < this.#weights.length - 1) return bucketStart(this.options, b + 1);
    return bucketStart(this.options, b);
  }

  #decayFactor(time: number): number {
    const h = this.halfLifeSeconds;
    if (this.#reference === undefined || time > this.#reference + MAX_DECAY_EXPONENT * h) {
      this.#shiftReference(time);
    }
    return 2 ** ((time - (this.#reference as number)) / h);
  }

  #shiftReference(time: number): void {
    const h = this.halfLifeSeconds;
    // Go's time.Round: to the nearest multiple, halves away from zero.
    const next = Math.sign(time) * Math.round(Math.abs(time) / h) * h;
    if (this.#reference !== undefined) {
      const exponent = Math.floor((this.#reference - next) / h + 0.5);
      this.#scale(2 ** exponent);
    }
    this.#reference = next;
  }

  #scale(factor: number): void {
    for (let b = this.#minBucket; b <= this.#maxBucket; b++) {
      this.#weights[b] = (this.#weights[b] ?? 0) * factor;
    }
    this.#total *= factor;
    this.#updateMinAndMax();
  }

  #updateMinAndMax(): void {
    const eps = this.options.epsilon;
    const last = this.#weights.length - 1;
    while ((this.#weights[this.#minBucket] ?? 0) < eps && this.#minBucket < last) this.#minBucket++;
    while ((this.#weights[this.#maxBucket] ?? 0) < eps && this.#maxBucket > 0) this.#maxBucket--;
  }
}
