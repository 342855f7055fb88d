/**
 * Rules kept current over a changing inventory (`hindsight serve`): each check's result is kept
 * with what it read from the inventory (Inventory.readsOf), and after a change only the checks
 * that read a changed part run again; every other result is reused. A full evaluation (every
 * check again) is always possible and is what the first evaluation does.
 *
 * The results equal `runRules` on the same inventory (incremental.test.ts changes generated
 * clusters at random and compares). What a check reads through the clock (`now`: expiring
 * exemptions, ages) is not a part of the inventory: callers evaluate in full from time to time.
 */
import { DEFAULT_CONFIG, type HindsightConfig } from '../config/config.ts';
import { flatString } from '../core/kept-values.ts';
import { type Inventory, type InventoryEntry, isObjectPart, type Reads } from '../inventory/inventory.ts';
import type { AnyRule } from '../rules/define-rule.ts';
import {
  checkEntry,
  checkInventory,
  type EngineResult,
  type EntryResult,
  invalidExemptions,
  isExcluded,
  type PreparedRule,
  prepareRules,
  ResultTally,
  selectionsOf,
} from './run-rules.ts';

/**
 * What is kept about one check, as three consecutive elements of its slot's `kept` list (not an
 * object each: 569k checks over the 1k cluster cost 56 bytes of object and 8 of pointer each):
 * - one small integer: the rule's index among the prepared rules in its low RULE_BITS bits, and
 *   above them the evaluation the check was made in or last reused by (its generation), modulo
 *   GENERATIONS (see `evaluate`: no kept check is ever that many evaluations old);
 * - its result;
 * - the ids of the inventory parts it read (see Reads) besides its own object, sorted; equal
 *   lists are one shared array (most checks read the same few parts). A plain array of small
 *   integers: a `Uint32Array` costs about 220 bytes of object, buffer and backing store however
 *   short, an array of three ids about 40.
 */
const STRIDE = 3;
const RULE_BITS = 10;
const MAX_RULES = 1 << RULE_BITS;
/** 2^20 generations above 2^10 rules: below 2^30, a small integer (Smi) wherever V8 runs. */
const GENERATIONS = 1 << 20;
/** `generation` is the evaluation's, already modulo the generations told apart. */
const tagOf = (rule: number, generation: number): number => (generation << RULE_BITS) | rule;
type ReadList = readonly number[];
type KeptList = (number | EntryResult | ReadList)[];

/** What is kept about a relational rule: its results over the whole inventory. */
interface KeptWhole {
  results: EntryResult[];
  reads: ReadList;
  generation: number;
}

/**
 * What is kept about one object: the last result of each rule that judged it, in the order of
 * the rules' indexes. A dense list searched by rule, not an array indexed by it: an object meets
 * a few of the rules, and holey arrays as long as the rule list cost 36 MiB more over the 1k
 * cluster's 76k objects.
 */
interface Slot {
  generation: number;
  /** The id of the object's own part (its key): every check reads its object. */
  self: number;
  /** Checks, STRIDE elements each, in rule order. */
  kept: KeptList;
  /** Where the last look-up in `kept` ended (an element index). */
  at: number;
}

const ruleAt = (kept: KeptList, i: number): number => (kept[i] as number) & (MAX_RULES - 1);
/** Whether the check at `i` was made or reused in `generation` (modulo the generations told apart). */
const madeIn = (kept: KeptList, i: number, generation: number): boolean =>
  (kept[i] as number) >>> RULE_BITS === generation;
const resultAt = (kept: KeptList, i: number): EntryResult => kept[i + 1] as EntryResult;
const readsAt = (kept: KeptList, i: number): ReadList => kept[i + 2] as ReadList;

/**
 * Where the kept result of rule `rule` on the slot's object starts in `slot.kept`, or -1. An
 * evaluation asks in rule order, so the search starts where the last one ended (`slot.at`) and
 * the walk over a slot is linear.
 */
function keptOf(slot: Slot, rule: number): number {
  const kept = slot.kept;
  let i = slot.at < kept.length && ruleAt(kept, slot.at) <= rule ? slot.at : 0;
  for (; i < kept.length; i += STRIDE) {
    const at = ruleAt(kept, i);
    if (at < rule) continue;
    slot.at = i;
    return at === rule ? i : -1;
  }
  slot.at = i;
  return -1;
}

/**
 * Keeps a check's result as the slot's result of its rule, in rule order; results older than
 * the last evaluation (of rules the object has left) go, as they can never be reused. True when
 * the list grew (V8 then leaves room to grow again: see `IncrementalRules.evaluate`).
 */
function keep(
  slot: Slot,
  rule: number,
  generation: number,
  previous: number,
  result: EntryResult,
  reads: ReadList,
): boolean {
  let kept = slot.kept;
  // Kept checks are of this evaluation or the last (older ones go here): see `evaluate`.
  const current = (i: number): boolean => madeIn(kept, i, generation) || madeIn(kept, i, previous);
  let stale = false;
  for (let i = 0; i < kept.length; i += STRIDE) if (!current(i)) stale = true;
  if (stale) {
    const fresh: KeptList = [];
    for (let i = 0; i < kept.length; i += STRIDE) if (current(i)) fresh.push(...kept.slice(i, i + STRIDE));
    slot.kept = kept = fresh;
    slot.at = 0;
  }
  let i = kept.length;
  while (i > 0 && ruleAt(kept, i - STRIDE) >= rule) i -= STRIDE;
  if (i < kept.length && ruleAt(kept, i) === rule) {
    kept[i] = tagOf(rule, generation);
    kept[i + 1] = result;
    kept[i + 2] = reads;
    // A list rebuilt without its stale checks has room to spare: cut to size like a grown one.
    return stale;
  }
  kept.splice(i, 0, tagOf(rule, generation), result, reads);
  return true;
}

/** Results without findings, shared: most checks pass or do not apply. */
const PASSED: EntryResult = Object.freeze({ findings: [], exempted: [], applicable: true, failed: false });
const SKIPPED: EntryResult = Object.freeze({ findings: [], exempted: [], applicable: false, failed: false });

const NONE = PASSED.findings;

function shared(result: EntryResult): EntryResult {
  if (result.findings.length === 0 && result.exempted.length === 0)
    return result.applicable ? PASSED : SKIPPED;
  // Most results with findings have no exempted ones: one empty list for all of them.
  if (result.exempted.length === 0) result.exempted = NONE;
  if (result.findings.length === 0) result.findings = NONE;
  return result;
}

export interface IncrementalOptions {
  rules: readonly AnyRule[];
  config?: HindsightConfig;
  targetVersion?: string;
  otherCheckIds?: ReadonlySet<string>;
  /**
   * Evaluations a kept check's generation tells apart (a power of two, default 2^20); a full
   * evaluation is made at least that often. Smaller only to test the wrap-around.
   */
  generations?: number;
}

export interface IncrementalResult extends EngineResult {
  /** Checks run in this evaluation. */
  checked: number;
  /** Checks whose earlier result was reused. */
  reused: number;
  /** Checks run in this evaluation, by rule. */
  checkedByRule: Map<string, number>;
}

export class IncrementalRules {
  private readonly config: HindsightConfig;
  private readonly options: IncrementalOptions;
  private readonly prepared: PreparedRule[];
  private readonly excluded: ReadonlySet<string>;
  /** Per object (by its entry's key, the inventory's own string): what each rule last found on it. */
  private readonly slots = new Map<string, Slot>();
  private generation = 0;
  /** The generation of the last full evaluation. */
  private lastFull = 0;
  /** Generations a kept check tells apart (a power of two). */
  private readonly generations: number;
  /**
   * Inventory parts as small numbers: one id per distinct part string. Started afresh by every
   * full evaluation (which checks everything again, so no kept id is read after it): objects
   * come and go under new names (a CronJob's Jobs and their pods), and a table that only grew
   * would keep every name ever seen for the life of `hindsight serve`.
   */
  private partIds = new Map<string, number>();
  /** Per relational rule (by its index), the last results. */
  private readonly wholes: (KeptWhole | undefined)[] = [];
  /** The kinds present at the last evaluation (a change there touches the `kinds` part). */
  private kinds = '';

  constructor(options: IncrementalOptions) {
    this.options = options;
    this.config = options.config ?? DEFAULT_CONFIG;
    this.prepared = prepareRules(options.rules, this.config);
    if (this.prepared.length > MAX_RULES) throw new Error(`at most ${MAX_RULES} rules can be kept current`);
    this.generations = options.generations ?? GENERATIONS;
    const g = this.generations;
    if (g < 4 || g > GENERATIONS || (g & (g - 1)) !== 0)
      throw new Error(`generations must be a power of two from 4 to ${GENERATIONS}`);
    this.excluded = new Set(this.config.excludeNamespaces);
  }

  /**
   * The slot of each entry of a selection, found once per entry and evaluation (by key; same-name
   * copies of file inputs are told apart by their order) and marked as still present.
   */
  private slotsFor(
    inventory: Inventory,
    generation: number,
    full: boolean,
  ): (entries: readonly InventoryEntry[]) => Slot[] {
    const bySelection = new Map<readonly InventoryEntry[], Slot[]>();
    const byEntry = new Map<InventoryEntry, Slot>();
    const copies = inventory.duplicates.length > 0;
    const seen = new Map<string, number>();
    return (entries) => {
      let slots = bySelection.get(entries);
      if (slots) return slots;
      slots = entries.map((entry) => {
        let slot = byEntry.get(entry);
        if (slot) return slot;
        // The entry's own key (one string shared with the inventory), `#n` after it for copies.
        let key = entry.key;
        if (copies) {
          const n = seen.get(key) ?? 0;
          seen.set(key, n + 1);
          if (n > 0) key = flatString(`${key}#${n}`);
        }
        slot = this.slots.get(key);
        if (!slot) {
          slot = { generation, self: this.idOf(entry.key), kept: [], at: 0 };
          this.slots.set(key, slot);
        } else if (full) slot.self = this.idOf(entry.key); // part ids were started afresh (see partIds)
        slot.generation = generation;
        byEntry.set(entry, slot);
        return slot;
      });
      bySelection.set(entries, slots);
      return slots;
    };
  }

  /** Interned read lists, by their ids joined (started afresh with the part ids). */
  private readLists = new Map<string, ReadList>();

  /** Distinct inventory parts the kept results know (bounded by what is present after a full evaluation). */
  get partCount(): number {
    return this.partIds.size;
  }

  private readListOf(reads: Reads, own: string): ReadList {
    const ids: number[] = [];
    for (const part of reads) if (part !== own) ids.push(this.idOf(part));
    ids.sort((a, b) => a - b);
    const key = ids.join(',');
    let list = this.readLists.get(key);
    if (!list) {
      // A copy: an array grown by `push` keeps room for more (17 elements for the first few).
      list = ids.slice();
      this.readLists.set(key, list);
    }
    return list;
  }

  private idOf(part: string): number {
    let id = this.partIds.get(part);
    if (id === undefined) {
      id = this.partIds.size;
      // Kept until the next full evaluation: flat, not the tree of parts it was built from. An
      // object's part is the inventory's own flat key, kept as that one string.
      this.partIds.set(isObjectPart(part) ? part : flatString(part), id);
    }
    return id;
  }

  /**
   * Evaluates the inventory. `changed` lists the parts changes touched since the last call
   * (`changedParts` of each changed object, before and after); `all` checks everything again.
   */
  evaluate(inventory: Inventory, now: Date, changed: Iterable<string> | 'all'): IncrementalResult {
    const kinds = inventory.kinds().join(',');
    let dirty: Set<number> | undefined;
    // Kept checks carry their generation modulo GENERATIONS; a full evaluation keeps only checks
    // of itself and the one before, so one at least every GENERATIONS - 2 keeps them exact.
    const full = changed === 'all' || this.generation + 1 - this.lastFull >= this.generations - 2;
    if (!full) {
      dirty = new Set();
      const parts = kinds === this.kinds ? changed : [...changed, 'kinds'];
      for (const part of parts) {
        const id = this.partIds.get(part);
        if (id !== undefined) dirty.add(id);
      }
    }
    this.kinds = kinds;
    if (full) {
      this.lastFull = this.generation + 1;
      this.partIds = new Map();
      this.readLists = new Map();
    }
    const readDirty = (reads: ReadList): boolean => {
      if (!dirty) return true;
      if (dirty.size === 0) return false;
      for (const id of reads) if (dirty.has(id)) return true;
      return false;
    };
    const isDirty = (slot: Slot, at: number): boolean =>
      !dirty || (dirty.size > 0 && (dirty.has(slot.self) || readDirty(readsAt(slot.kept, at))));
    const previous = this.generation;
    const generation = ++this.generation;
    const previousTag = previous & (this.generations - 1);
    const generationTag = generation & (this.generations - 1);
    const select = selectionsOf(inventory);
    const slotsOf = this.slotsFor(inventory, generation, full);
    const tally = new ResultTally();
    const context = { config: this.config, now, targetVersion: this.options.targetVersion };
    let checked = 0;
    let reused = 0;
    const checkedByRule = new Map<string, number>();
    const grown = new Set<Slot>();
    const counted = (id: string): void => {
      checked++;
      checkedByRule.set(id, (checkedByRule.get(id) ?? 0) + 1);
    };
    this.prepared.forEach((prepared, index) => {
      const { rule } = prepared;
      const stats = tally.rule(rule.id);
      if (rule.checkInventory) {
        let kept = this.wholes[index];
        if (kept && kept.generation === previous && !readDirty(kept.reads)) {
          kept.generation = generation;
          reused++;
        } else {
          const { value, reads } = inventory.readsOf(() =>
            checkInventory(prepared, inventory, context, this.excluded),
          );
          kept = { results: value.map(shared), reads: this.readListOf(reads, ''), generation };
          this.wholes[index] = kept;
          counted(rule.id);
        }
        for (const result of kept.results) tally.add(prepared, stats, result);
        return;
      }
      const entries = select(rule.appliesTo);
      const slots = slotsOf(entries);
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i] as InventoryEntry;
        if (isExcluded(entry, this.excluded)) continue;
        const slot = slots[i] as Slot;
        const at = keptOf(slot, index);
        let result: EntryResult;
        // Reused only if it was current in the last evaluation (the object may have left and
        // come back to this rule's selection since).
        if (at >= 0 && madeIn(slot.kept, at, previousTag) && !isDirty(slot, at)) {
          slot.kept[at] = tagOf(index, generationTag);
          result = resultAt(slot.kept, at);
          reused++;
        } else {
          const { value, reads } = inventory.readsOf(() => checkEntry(prepared, entry, inventory, context));
          result = shared(value);
          if (keep(slot, index, generationTag, previousTag, result, this.readListOf(reads, entry.key)))
            grown.add(slot);
          counted(rule.id);
        }
        tally.add(prepared, stats, result);
      }
      // Values about one object (a workload's spot verdict: 9k of them, 14 MiB, at 1,000 Nodes)
      // are built again by the next rule that reads them, not all held to the end of a full
      // evaluation. Two rules read spot verdicts; building them twice was lost in the spread of
      // the generated 1k cluster's full evaluation (7.3-7.9 s with or without).
      inventory.forgetPerEntry();
    });
    // A list grown by insertion keeps room for about half as much again; its final length is
    // known now (objects meet the same rules until they change kind), so it is cut to size.
    for (const slot of grown) slot.kept = slot.kept.slice();
    for (const [key, slot] of this.slots) if (slot.generation !== generation) this.slots.delete(key);
    const result = tally.finish(invalidExemptions(inventory, this.options.rules, this.options.otherCheckIds));
    return { ...result, checked, reused, checkedByRule };
  }
}
