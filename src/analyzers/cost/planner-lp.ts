/**
 * The planner's lower bounds (docs/adr/0006-node-mix-planner.md), both LPs over node counts x_o
 * per offering, solved with HiGHS through its persistent model API:
 *
 * - the **fluid** rows: for every set of constraint classes, the CPU, memory and slots the
 *   classes may use cover their exact demand (Hall's condition), plus big-pod and threshold cuts;
 * - the **coupled** LP adds y_{c,o}, the pods of size class c on offering o (only where one pod
 *   fits and the constraints admit o): Σ_o y_{c,o} ≥ n_c, per offering CPU, memory and slots of
 *   its pods within x_o nodes, and the integrality-of-fit cut y_{c,o} ≤ k_{c,o}·x_o where
 *   k_{c,o} = ⌊min(cpu_o/cpu_c, mem_o/mem_c, slots_o)⌋ is small. Every real packing satisfies all
 *   rows, so the optimum is a lower bound on any plan. The coupled LP keeps the fluid rows and
 *   runs over the offerings lpOfferings keeps (an exact reduction). Each class starts with
 *   columns on its cheapest offerings; the rest are priced against the row duals and added
 *   while any has a negative reduced cost (column generation).
 *
 * The reported bound is recomputed from the row duals, clipped at 0, each class's dual lowered
 * to what every (not only every generated) column of it allows, then scaled down until every
 * node column is dual-feasible: a feasible dual point, so neither solver tolerances nor columns
 * left ungenerated can make it exceed the true LP optimum.
 */
import type { Highs, Model } from 'highs';
import * as highsPackage from 'highs';
import { type ConstraintClass, EPS, fits, type Item, type Offering, podsPerNode } from './offerings.ts';
import type { SizeClass } from './pod-classes.ts';

// The package is CommonJS with an ESM entry: under NodeNext TypeScript types the default import
// as the module object, while Node's ESM loader hands over the loader function itself.
const loadHighs = (highsPackage as unknown as { default: () => Promise<Highs> }).default;
let highsModule: Promise<Highs> | undefined;

/** The HiGHS WebAssembly module, loaded once per process (the first load takes ~150 ms). */
export function highs(): Promise<Highs> {
  highsModule ??= loadHighs();
  return highsModule;
}

/** A row `Σ a·x_o ≥ rhs` over node counts, keyed by Offering.index. */
export interface LpRow {
  name: string;
  terms: Map<number, number>;
  rhs: number;
}

export interface BoundOptions {
  /** Seconds HiGHS may spend per solve. */
  timeLimitSeconds: number;
  /** The integrality-of-fit cut is added where k_{c,o} is at most this. */
  maxCutPodsPerNode: number;
  /** Column-generation rounds at most. */
  maxRounds: number;
  /** Stop generating columns after this many milliseconds (the bound stays valid). */
  budgetMillis: number;
}

export interface BoundResult {
  /** A dual-feasible objective: ≤ the LP optimum ≤ every plan's cost ($/hour). */
  bound: number;
  /** The LP objective HiGHS reported (0 when not solved). */
  objective: number;
  status: string;
  /** Node counts, by Offering.index. */
  x: Float64Array;
  /** Per size class: pods per offering in the LP solution. */
  y: { offering: Offering; pods: number }[][];
  rows: number;
  columns: number;
  cuts: number;
  rounds: number;
  millis: number;
}

/**
 * The fluid rows: Hall's condition over sets of constraint classes per resource, at least one
 * node per set, and big-pod and threshold cuts per class.
 */
export function fluidRows(
  offerings: readonly Offering[],
  classes: readonly ConstraintClass[],
  items: readonly Item[],
  maxCuts: number,
): { rows: LpRow[]; cuts: number } {
  const rows: LpRow[] = [];
  const K = classes.length;
  const demand = classes.map(() => ({ cpu: 0, mem: 0, pods: 0 }));
  for (const it of items) {
    const d = demand[it.cls];
    if (!d) continue;
    d.cpu += it.cpu;
    d.mem += it.mem;
    d.pods += 1;
  }
  // Hall's condition per resource over sets of classes (all sets up to 8 classes; beyond, each
  // class alone and all together: weaker, still a valid relaxation).
  const sets: number[][] = [];
  if (K <= 8) {
    for (let mask = 1; mask < 1 << K; mask++) {
      const s: number[] = [];
      for (let k = 0; k < K; k++) if (mask & (1 << k)) s.push(k);
      sets.push(s);
    }
  } else {
    for (let k = 0; k < K; k++) sets.push([k]);
    sets.push(classes.map((_, k) => k));
  }
  const seen = new Map<string, number>();
  for (const s of sets) {
    const d = { cpu: 0, mem: 0, pods: 0 };
    for (const k of s) {
      const dk = demand[k];
      if (!dk) continue;
      d.cpu += dk.cpu;
      d.mem += dk.mem;
      d.pods += dk.pods;
    }
    if (d.pods === 0) continue;
    const members = offerings.filter((o) => s.some((k) => o.classes[k]));
    const sig = members.map((o) => o.index).join(',');
    // Sets with the same offerings: only the one with the most demand binds.
    const prev = seen.get(sig);
    if (prev !== undefined) {
      const p = rows[prev];
      const q = rows[prev + 1];
      const r = rows[prev + 2];
      if (p && q && r && p.rhs >= d.cpu && q.rhs >= d.mem && r.rhs >= d.pods) continue;
    }
    const base = rows.length;
    seen.set(sig, base);
    const tag = s.join('_');
    rows.push({ name: `cpu_${tag}`, terms: new Map(members.map((o) => [o.index, o.cpu])), rhs: d.cpu });
    rows.push({ name: `mem_${tag}`, terms: new Map(members.map((o) => [o.index, o.mem])), rhs: d.mem });
    rows.push({ name: `pods_${tag}`, terms: new Map(members.map((o) => [o.index, o.pods])), rhs: d.pods });
    rows.push({ name: `nodes_${tag}`, terms: new Map(members.map((o) => [o.index, 1])), rhs: 1 });
  }
  // Big-pod cuts, per class: for a size s, the pods at least as large in both resources fit only
  // where s fits; those offerings must hold them, one node at least per pod too big to share.
  let cuts = 0;
  for (let k = 0; k < K; k++) {
    const own = offerings.filter((o) => o.classes[k]);
    const classItems = items.filter((it) => it.cls === k);
    const sizes = new Map<string, { cpu: number; mem: number }>();
    for (const it of classItems) sizes.set(`${it.cpu}/${it.mem}`, { cpu: it.cpu, mem: it.mem });
    const big = [...sizes.values()].filter((s) => own.some((o) => !fits(o, s)));
    const pick = new Map<string, { cpu: number; mem: number }>();
    const half = Math.max(1, Math.floor(maxCuts / 2));
    for (const s of [...big].sort((a, b) => b.cpu - a.cpu || b.mem - a.mem).slice(0, half))
      pick.set(`${s.cpu}/${s.mem}`, s);
    for (const s of [...big].sort((a, b) => b.mem - a.mem || b.cpu - a.cpu).slice(0, half))
      pick.set(`${s.cpu}/${s.mem}`, s);
    let n = 0;
    for (const s of pick.values()) {
      const F = own.filter((o) => fits(o, s));
      if (F.length === 0) continue;
      const D = classItems.filter((it) => it.cpu >= s.cpu && it.mem >= s.mem);
      const maxCpu = Math.max(...F.map((o) => o.cpu));
      const maxMem = Math.max(...F.map((o) => o.mem));
      const d = D.reduce((a, it) => ({ cpu: a.cpu + it.cpu, mem: a.mem + it.mem }), { cpu: 0, mem: 0 });
      const loneCpu = D.filter((it) => it.cpu > maxCpu / 2 + EPS).length;
      const loneMem = D.filter((it) => it.mem > maxMem / 2 + EPS).length;
      const tag = `${k}_${n++}`;
      rows.push({ name: `bigcpu_${tag}`, terms: new Map(F.map((o) => [o.index, o.cpu])), rhs: d.cpu });
      rows.push({ name: `bigmem_${tag}`, terms: new Map(F.map((o) => [o.index, o.mem])), rhs: d.mem });
      rows.push({ name: `bigpods_${tag}`, terms: new Map(F.map((o) => [o.index, o.pods])), rhs: D.length });
      rows.push({
        name: `bignodes_${tag}`,
        terms: new Map(F.map((o) => [o.index, 1])),
        rhs: Math.max(1, loneCpu, loneMem),
      });
      cuts += 4;
    }
    // Threshold cuts, one resource at a time: the pods above τ cores (or GiB) fit only on
    // offerings with more than τ, and bring their other resources there too. Without them the
    // LP buys CPU on tiny burstable nodes and memory on large ones, as if a pod could be split.
    for (const dim of ['cpu', 'mem'] as const) {
      const levels = [...new Set(own.map((o) => o[dim]))].sort((a, b) => a - b);
      const sorted = [...classItems].sort((a, b) => a[dim] - b[dim]);
      let lastF = '';
      for (const tau of levels) {
        const D = sorted.filter((it) => it[dim] > tau + EPS);
        if (D.length === 0) break;
        const least = Math.min(...D.map((it) => it[dim]));
        const F = own.filter((o) => o[dim] + EPS >= least);
        const sig = F.map((o) => o.index).join(',');
        if (sig === lastF || F.length === own.length) continue;
        lastF = sig;
        const d = D.reduce((a, it) => ({ cpu: a.cpu + it.cpu, mem: a.mem + it.mem }), { cpu: 0, mem: 0 });
        const tag = `${k}_${dim}_${n++}`;
        rows.push({ name: `tcpu_${tag}`, terms: new Map(F.map((o) => [o.index, o.cpu])), rhs: d.cpu });
        rows.push({ name: `tmem_${tag}`, terms: new Map(F.map((o) => [o.index, o.mem])), rhs: d.mem });
        rows.push({ name: `tpods_${tag}`, terms: new Map(F.map((o) => [o.index, o.pods])), rhs: D.length });
        cuts += 3;
      }
    }
  }
  return { rows, cuts };
}

const STATUS: Record<number, string> = {
  6: 'Empty',
  7: 'Optimal',
  8: 'Infeasible',
  9: 'Primal infeasible or unbounded',
  10: 'Unbounded',
  13: 'Time limit reached',
  14: 'Iteration limit reached',
};

/** Columns added per class and pricing round: the most negative reduced costs first. */
const COLUMNS_PER_CLASS_ROUND = 4;
/**
 * Columns each class starts with: its cheapest offerings per pod, fluid and whole-node. After
 * lpOfferings the benchmark keeps 61 offerings, so 48 is nearly all of them: one or two solves
 * (~2.5 s for 910 classes) beat generating from 8 or 16 per class (4 rounds, 3–4 s).
 */
const INITIAL_COLUMNS = 48;

interface ColumnBatch {
  cls: number[];
  off: number[];
}

/**
 * The coupled LP's rows: fluid [0, F), one per size class [F, F+C), then per offering cpu, mem,
 * slots (capRow), then the cuts added with the columns.
 */
interface CoupledLayout {
  offerings: readonly Offering[];
  sizes: readonly SizeClass[];
  O: number;
  C: number;
  F: number;
  capRow: (j: number, r: number) => number;
}

/** The y columns and cut rows generated so far. */
interface GeneratedColumns {
  /** Per class c and offering j, at c·O + j: 1 once the column y_{c,j} is in the model. */
  inModel: Uint8Array;
  /** Per generated y column: its class and offering. */
  colCls: number[];
  colOff: number[];
  /** Per pair c·O + j with a cut: the cut's row. */
  cutRow: Map<number, number>;
  rowCount: number;
}

/** The initial matrix (CSC over the node columns): the fluid rows and, with size classes, the capacity rows. */
function nodeColumnsMatrix(fluid: readonly LpRow[], layout: CoupledLayout) {
  const { offerings, C, capRow } = layout;
  const column = new Map<number, number>();
  for (const [j, o] of offerings.entries()) column.set(o.index, j);
  const entries: [number, number][][] = offerings.map(() => []);
  fluid.forEach((r, ri) => {
    for (const [index, a] of r.terms) {
      const j = column.get(index);
      if (j !== undefined && a !== 0) entries[j]?.push([ri, a]);
    }
  });
  if (C > 0)
    offerings.forEach((o, j) => {
      entries[j]?.push([capRow(j, 0), o.cpu], [capRow(j, 1), o.mem], [capRow(j, 2), o.pods]);
    });
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const list of entries) {
    list.sort((a, b) => a[0] - b[0]);
    for (const [r, a] of list) {
      indices.push(r);
      values.push(a);
    }
    starts.push(indices.length);
  }
  return { starts, indices, values };
}

/** Candidate columns per size class: offerings it may use where one pod fits, with k_{c,o}. */
function candidateColumns(layout: CoupledLayout): { cand: Int32Array[]; kOf: Int32Array[] } {
  const cand: Int32Array[] = [];
  const kOf: Int32Array[] = [];
  for (const s of layout.sizes) {
    const js: number[] = [];
    const ks: number[] = [];
    layout.offerings.forEach((o, j) => {
      if (!o.classes[s.cls] || !fits(o, s)) return;
      js.push(j);
      ks.push(podsPerNode(o, s));
    });
    cand.push(Int32Array.from(js));
    kOf.push(Int32Array.from(ks));
  }
  return { cand, kOf };
}

/** Each class's cheapest offerings per pod, counted fluidly and by whole nodes. */
function initialColumns(layout: CoupledLayout, cand: Int32Array[], kOf: Int32Array[]): ColumnBatch {
  const { offerings } = layout;
  const initial: ColumnBatch = { cls: [], off: [] };
  layout.sizes.forEach((s, c) => {
    const js = cand[c] as Int32Array;
    const ks = kOf[c] as Int32Array;
    const fluidCost = (t: number) => {
      const o = offerings[js[t] as number] as Offering;
      return o.price * Math.max(s.cpu / o.cpu, s.mem / o.mem, 1 / o.pods);
    };
    const wholeCost = (t: number) => (offerings[js[t] as number] as Offering).price / (ks[t] as number);
    const ts = Array.from(js, (_, t) => t);
    const pick = new Set([
      ...[...ts].sort((a, b) => fluidCost(a) - fluidCost(b)).slice(0, INITIAL_COLUMNS),
      ...[...ts].sort((a, b) => wholeCost(a) - wholeCost(b)).slice(0, INITIAL_COLUMNS),
    ]);
    for (const t of pick) {
      initial.cls.push(c);
      initial.off.push(js[t] as number);
    }
  });
  return initial;
}

/** Adds the batch's y columns to the model, and their integrality-of-fit cuts where k is small. */
function addColumns(
  model: Model,
  layout: CoupledLayout,
  generated: GeneratedColumns,
  batch: ColumnBatch,
  maxCutPodsPerNode: number,
  inf: number,
): void {
  const { offerings, sizes, O, F, capRow } = layout;
  const n = batch.cls.length;
  if (n === 0) return;
  const cStarts = new Int32Array(n + 1);
  const cIdx: number[] = [];
  const cVal: number[] = [];
  const cuts: [number, number, number][] = [];
  for (let t = 0; t < n; t++) {
    const c = batch.cls[t] as number;
    const j = batch.off[t] as number;
    const s = sizes[c] as SizeClass;
    generated.inModel[c * O + j] = 1;
    cIdx.push(F + c);
    cVal.push(1);
    if (s.cpu > 0) {
      cIdx.push(capRow(j, 0));
      cVal.push(-s.cpu);
    }
    if (s.mem > 0) {
      cIdx.push(capRow(j, 1));
      cVal.push(-s.mem);
    }
    cIdx.push(capRow(j, 2));
    cVal.push(-1);
    cStarts[t + 1] = cIdx.length;
    const k = podsPerNode(offerings[j] as Offering, s);
    if (k <= maxCutPodsPerNode) cuts.push([c, j, k]);
    generated.colCls.push(c);
    generated.colOff.push(j);
  }
  model.addCols({
    cost: new Float64Array(n),
    lower: new Float64Array(n),
    upper: new Float64Array(n).fill(inf),
    matrix: {
      format: 'csc',
      numRows: generated.rowCount,
      numCols: n,
      starts: cStarts,
      indices: Int32Array.from(cIdx),
      values: Float64Array.from(cVal),
    },
  });
  if (cuts.length > 0) addCutRows(model, O, generated, batch, cuts, inf);
}

/** y_{c,o} ≤ k·x_o, as k·x_o − y_{c,o} ≥ 0, for the batch just added (its columns are the last ones). */
function addCutRows(
  model: Model,
  O: number,
  generated: GeneratedColumns,
  batch: ColumnBatch,
  cuts: readonly [number, number, number][],
  inf: number,
): void {
  const n = batch.cls.length;
  const first = O + generated.colCls.length - n;
  const rStarts = new Int32Array(cuts.length + 1);
  const rIdx = new Int32Array(2 * cuts.length);
  const rVal = new Float64Array(2 * cuts.length);
  const byPair = new Map<number, number>();
  for (let t = 0; t < n; t++) byPair.set((batch.cls[t] as number) * O + (batch.off[t] as number), first + t);
  cuts.forEach(([c, j, k], r) => {
    const yCol = byPair.get(c * O + j) as number;
    rIdx[2 * r] = j;
    rVal[2 * r] = k;
    rIdx[2 * r + 1] = yCol;
    rVal[2 * r + 1] = -1;
    rStarts[r + 1] = 2 * (r + 1);
    generated.cutRow.set(c * O + j, generated.rowCount + r);
  });
  model.addRows({
    lower: new Float64Array(cuts.length),
    upper: new Float64Array(cuts.length).fill(inf),
    matrix: {
      format: 'csr',
      numRows: cuts.length,
      numCols: O + generated.colCls.length,
      starts: rStarts,
      indices: rIdx,
      values: rVal,
    },
  });
  generated.rowCount += cuts.length;
}

/**
 * Solves the LP `min Σ price·x` over the fluid rows, and, when `sizes` is not empty, the coupled
 * rows and columns (see the module comment). Returns a provably valid bound and the solution.
 */
export async function solveBound(
  offerings: readonly Offering[],
  fluid: readonly LpRow[],
  fluidCuts: number,
  sizes: readonly SizeClass[],
  options: BoundOptions,
): Promise<BoundResult> {
  const started = performance.now();
  const O = offerings.length;
  const C = sizes.length;
  const F = fluid.length;
  const x = new Float64Array(offerings.reduce((m, o) => Math.max(m, o.index + 1), 0));
  const y: { offering: Offering; pods: number }[][] = sizes.map(() => []);
  const result = (status: string, rest: Partial<BoundResult> = {}): BoundResult => ({
    bound: 0,
    objective: 0,
    status,
    x,
    y,
    rows: 0,
    columns: 0,
    cuts: 0,
    rounds: 0,
    millis: performance.now() - started,
    ...rest,
  });
  if (O === 0 || (F === 0 && C === 0)) return result('Empty');

  const layout: CoupledLayout = { offerings, sizes, O, C, F, capRow: (j, r) => F + C + 3 * j + r };
  const baseRows = F + C + (C > 0 ? 3 * O : 0);
  const rowLower: number[] = [...fluid.map((r) => r.rhs), ...sizes.map((s) => s.items.length)];
  for (let i = F + C; i < baseRows; i++) rowLower.push(0);

  const solver = await highs();
  const inf = solver.infinity;
  const { starts, indices, values } = nodeColumnsMatrix(fluid, layout);
  const { cand, kOf } = candidateColumns(layout);

  const model = solver.createModel({
    numCols: O,
    numRows: baseRows,
    colCost: offerings.map((o) => o.price),
    colLower: offerings.map(() => 0),
    colUpper: offerings.map(() => inf),
    rowLower,
    rowUpper: rowLower.map(() => inf),
    matrix: { format: 'csc', numRows: baseRows, numCols: O, starts, indices, values },
  });
  try {
    model.options.set({ output_flag: false, time_limit: options.timeLimitSeconds });
    const generated: GeneratedColumns = {
      inModel: new Uint8Array(C * O),
      colCls: [],
      colOff: [],
      cutRow: new Map(),
      rowCount: baseRows,
    };
    const add = (batch: ColumnBatch) =>
      addColumns(model, layout, generated, batch, options.maxCutPodsPerNode, inf);
    add(initialColumns(layout, cand, kOf));

    let status = 'Not solved';
    let rounds = 0;
    let dual: Float64Array = new Float64Array(generated.rowCount);
    let primal: Float64Array = new Float64Array(O);
    let objective = 0;
    for (;;) {
      rounds++;
      const run = model.run();
      status = STATUS[run.modelStatus] ?? `HiGHS status ${run.modelStatus}`;
      if (status !== 'Optimal') break;
      const solution = model.getSolution();
      dual = solution.rowDual;
      primal = solution.colValue;
      objective = model.getObjectiveValue();
      if (C === 0 || rounds >= options.maxRounds || performance.now() - started > options.budgetMillis) break;
      const batch = price(sizes, offerings, cand, generated.inModel, dual, F, layout.capRow);
      if (batch.cls.length === 0) break;
      add(batch);
    }
    const size = {
      rows: generated.rowCount,
      columns: O + generated.colCls.length,
      cuts: fluidCuts + generated.cutRow.size,
      rounds,
    };
    if (status !== 'Optimal' && status !== 'Time limit reached') return result(status, size);
    if (status !== 'Optimal') {
      // Duals of an unfinished solve are still a dual point; make it feasible like any other.
      const solution = model.getSolution();
      dual = solution.rowDual;
      primal = solution.colValue;
    }
    const bound = safeBound(offerings, fluid, sizes, cand, generated.cutRow, dual, layout.capRow);
    offerings.forEach((o, j) => {
      x[o.index] = primal[j] ?? 0;
    });
    generated.colCls.forEach((c, t) => {
      const v = primal[O + t] ?? 0;
      if (v > 1e-7) y[c]?.push({ offering: offerings[generated.colOff[t] as number] as Offering, pods: v });
    });
    return result(status, { bound, objective, ...size });
  } finally {
    (model as Model).dispose();
  }
}

/** Dantzig pricing: the columns whose reduced cost cpu_c·α_o + mem_c·β_o + γ_o − π_c is negative. */
function price(
  sizes: readonly SizeClass[],
  offerings: readonly Offering[],
  cand: readonly Int32Array[],
  inModel: Uint8Array,
  dual: Float64Array,
  F: number,
  capRow: (j: number, r: number) => number,
): ColumnBatch {
  const O = offerings.length;
  const batch: ColumnBatch = { cls: [], off: [] };
  sizes.forEach((s, c) => {
    const pi = dual[F + c] ?? 0;
    if (pi <= EPS) return;
    const found: [number, number][] = [];
    for (const j of cand[c] as Int32Array) {
      if (inModel[c * O + j]) continue;
      const rc =
        s.cpu * Math.max(0, dual[capRow(j, 0)] ?? 0) +
        s.mem * Math.max(0, dual[capRow(j, 1)] ?? 0) +
        Math.max(0, dual[capRow(j, 2)] ?? 0) -
        pi;
      if (rc < -1e-9 * Math.max(1, pi)) found.push([rc, j]);
    }
    found.sort((a, b) => a[0] - b[0]);
    for (const [, j] of found.slice(0, COLUMNS_PER_CLASS_ROUND)) {
      batch.cls.push(c);
      batch.off.push(j);
    }
  });
  return batch;
}

/**
 * b·u for a dual-feasible u built from HiGHS' duals: clipped at 0; each class's dual lowered to
 * what all its columns allow (generated or not); then all scaled so every node column prices out.
 */
function safeBound(
  offerings: readonly Offering[],
  fluid: readonly LpRow[],
  sizes: readonly SizeClass[],
  cand: readonly Int32Array[],
  cutRow: ReadonlyMap<number, number>,
  rawDual: Float64Array,
  capRow: (j: number, r: number) => number,
): number {
  const O = offerings.length;
  const F = fluid.length;
  const C = sizes.length;
  const u = (r: number) => Math.max(0, rawDual[r] ?? 0);
  const load = new Float64Array(O);
  let by = 0;
  const column = new Map<number, number>();
  for (const [j, o] of offerings.entries()) column.set(o.index, j);
  fluid.forEach((r, ri) => {
    const v = u(ri);
    if (v === 0) return;
    by += v * r.rhs;
    for (const [index, a] of r.terms) {
      const j = column.get(index);
      if (j !== undefined) load[j] = (load[j] ?? 0) + a * v;
    }
  });
  if (C > 0)
    offerings.forEach((o, j) => {
      load[j] = (load[j] ?? 0) + o.cpu * u(capRow(j, 0)) + o.mem * u(capRow(j, 1)) + o.pods * u(capRow(j, 2));
    });
  for (const [pair, row] of cutRow) {
    const c = Math.floor(pair / O);
    const j = pair % O;
    const k = podsPerNode(offerings[j] as Offering, sizes[c] as SizeClass);
    load[j] = (load[j] ?? 0) + k * u(row);
  }
  sizes.forEach((s, c) => {
    let pi = u(F + c);
    for (const j of cand[c] as Int32Array) {
      const row = cutRow.get(c * O + j);
      const allow =
        s.cpu * u(capRow(j, 0)) +
        s.mem * u(capRow(j, 1)) +
        u(capRow(j, 2)) +
        (row === undefined ? 0 : u(row));
      if (allow < pi) pi = allow;
    }
    by += pi * s.items.length;
  });
  let scale = 1;
  for (let j = 0; j < O; j++) {
    const l = load[j] ?? 0;
    if (l <= 0) continue;
    const p = (offerings[j] as Offering).price;
    if (p <= 0) return 0;
    scale = Math.max(scale, l / p);
  }
  return by / scale;
}

/**
 * The offerings the coupled LP needs: drops every offering j that m copies of another one j'
 * replace in any LP solution, m = price_j / price_j' (so the swap costs the same): j' serves
 * every class j serves and fits every size class that fits j, m·(cpu, mem, slots) of j' covers
 * j's, and m times as many pods of each class fit j' as j, counted as the LP counts them (whole
 * pods where the integrality cut applies, a fractional fill elsewhere), and m times j's
 * coefficient in every fluid row j is in (so j' is in those rows too, and where a row counts
 * nodes, m ≥ 1). Any LP solution using j maps to one using j' at the same cost: the coupled
 * LP's optimum is unchanged.
 */
export function lpOfferings(
  offerings: readonly Offering[],
  sizes: readonly SizeClass[],
  maxCutPodsPerNode: number,
  rows: readonly LpRow[],
): Offering[] {
  // The fluid rows each offering is in, with its coefficient: j' must cover m times j's in each.
  const inRows = new Map<number, [number, number][]>();
  rows.forEach((r, ri) => {
    for (const [index, a] of r.terms) {
      if (a === 0) continue;
      let list = inRows.get(index);
      if (!list) {
        list = [];
        inRows.set(index, list);
      }
      list.push([ri, a]);
    }
  });
  const fill = offerings.map((o) =>
    Float64Array.from(sizes, (s) => {
      if (!o.classes[s.cls] || !fits(o, s)) return 0;
      const k = podsPerNode(o, s);
      if (k <= maxCutPodsPerNode) return k;
      let f = o.pods;
      if (s.cpu > 0) f = Math.min(f, o.cpu / s.cpu);
      if (s.mem > 0) f = Math.min(f, o.mem / s.mem);
      return f;
    }),
  );
  const removed = new Uint8Array(offerings.length);
  const replaces = (j: number, q: number): boolean => {
    const o = offerings[j] as Offering;
    const p = offerings[q] as Offering;
    if (p.price <= 0) return false;
    const m = o.price / p.price;
    const tol = 1e-9;
    if (m * p.cpu < o.cpu - tol || m * p.mem < o.mem - tol || m * p.pods < o.pods - tol) return false;
    if (!o.classes.every((b, k) => !b || p.classes[k])) return false;
    for (const [ri, a] of inRows.get(o.index) ?? []) {
      const b = (rows[ri] as LpRow).terms.get(p.index) ?? 0;
      if (m * b < a - tol) return false;
    }
    const fj = fill[j] as Float64Array;
    const fq = fill[q] as Float64Array;
    for (let c = 0; c < fj.length; c++) {
      const a = fj[c] as number;
      if (a === 0) continue;
      const b = fq[c] as number;
      if (b === 0 || m * b < a - tol) return false;
    }
    return true;
  };
  for (let j = 0; j < offerings.length; j++) {
    for (let q = 0; q < offerings.length; q++) {
      if (q === j || removed[q]) continue;
      if (replaces(j, q)) {
        removed[j] = 1;
        break;
      }
    }
  }
  return offerings.filter((_, j) => !removed[j]);
}
