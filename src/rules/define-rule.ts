/**
 * How a rule is written: data plus one pure `check` function. The engine does the plumbing —
 * choosing objects, references, the clock, options, exemptions, severity overrides.
 */
import type { z } from 'zod';
import type { ZodModule } from '../config/zod.ts';
import type { Category, Fix, ObjectPath } from '../core/finding.ts';
import type { LessonId } from '../core/lesson.ts';
import type { Severity } from '../core/severity.ts';
import type { Inventory, InventoryEntry } from '../inventory/inventory.ts';

export interface Report<MessageId extends string = string> {
  /** Key of `messages`; the text is the template with `{name}` placeholders filled from `data`. */
  messageId: MessageId;
  data?: Record<string, string | number>;
  path?: ObjectPath;
  container?: string;
  fix?: Fix;
  /** Why there is no fix although the problem has one (an explicit value, an unknown image). */
  manual?: string;
  /** Overrides the rule's default severity for this one report (e.g. `privileged` is critical). */
  severity?: Severity;
}

export interface RuleContext<Options, MessageId extends string = string> {
  inventory: Inventory;
  options: Options;
  /** The analysis clock: never `Date.now()` in a rule. */
  now: Date;
  /** Kubernetes version to check against (`--target-version`), e.g. `1.35`. */
  targetVersion?: string;
  report(report: Report<MessageId>): void;
}

/**
 * Which objects a rule looks at:
 * - a list of kinds;
 * - `workloads`: every object that carries a pod template or is a Pod, except those whose
 *   controller is also in the inventory (a live scan reports on the Deployment, not on each of
 *   its ReplicaSets and Pods).
 */
export type Selection = readonly string[] | 'workloads';

/** What every rule declares, whichever way it judges. */
export interface RuleBase<Options, MessageId extends string> {
  /** Kebab-case problem statement, equal to the rule's folder name. */
  id: string;
  category: Category;
  severity: Severity;
  lesson: LessonId;
  /** One line, shown in `hindsight rules`. */
  title: string;
  /** Message templates by id; `ctx.report` accepts only these ids. */
  messages: Record<MessageId, string>;
  /** Options with their defaults; the schema validates configured ones and documents them. */
  options?: RuleOptions<Options>;
}

/** A rule that judges objects one at a time. */
export interface Rule<Options = Record<string, never>, MessageId extends string = string>
  extends RuleBase<Options, MessageId> {
  appliesTo: Selection;
  /**
   * Reports problems through `ctx.report`. Returns NOT_APPLICABLE when the object is outside
   * what the rule judges (so it counts neither as passed nor as failed in the score).
   */
  check(entry: InventoryEntry, ctx: RuleContext<Options, MessageId>): undefined | typeof NOT_APPLICABLE;
  checkInventory?: never;
}

export interface InventoryRuleContext<Options, MessageId extends string = string> {
  inventory: Inventory;
  options: Options;
  /** The analysis clock: never `Date.now()` in a rule. */
  now: Date;
  /** Kubernetes version to check against (`--target-version`), e.g. `1.35`. */
  targetVersion?: string;
  /**
   * Counts `subject` as judged: it passes unless a report names it. Each subject counts once in
   * the score however often it is named.
   */
  judged(subject: InventoryEntry): void;
  /** A problem of `subject` (judged by being named). */
  report(subject: InventoryEntry, report: Report<MessageId>): void;
}

/**
 * A relational rule: it judges what no single object holds (a namespace from its pods and the
 * cluster's network policies, CoreDNS from its Deployment or only its pods) and is called once
 * per inventory. Its findings name the subject that stands for the whole: the Namespace object,
 * or where the input has none, the object a reader would edit (the namespace's first workload).
 */
export interface InventoryRule<Options = Record<string, never>, MessageId extends string = string>
  extends RuleBase<Options, MessageId> {
  appliesTo?: never;
  check?: never;
  checkInventory(ctx: InventoryRuleContext<Options, MessageId>): void;
}

export const NOT_APPLICABLE = 'not-applicable';

/**
 * A rule's options. A run without configured options uses `defaults` as they are; the zod schema
 * is built (and zod loaded) only to validate options a configuration sets, and for the docs.
 * `ruleOptions` gives the schema's fields their defaults from `defaults`, so the two cannot differ.
 */
export interface RuleOptions<Options> {
  defaults: Options;
  schema(z: ZodModule): z.ZodType<Options>;
}

type OptionValues<Shape extends Record<string, z.ZodType>> = { [K in keyof Shape]: z.output<Shape[K]> };

/**
 * Declares a rule's options: their defaults, and a function that describes each field with zod
 * (type, bounds, `.describe()` for the docs); the schema gives each field its default.
 */
export function ruleOptions<Shape extends Record<string, z.ZodType>>(
  defaults: OptionValues<Shape>,
  fields: (z: ZodModule) => Shape,
): RuleOptions<OptionValues<Shape>> {
  return {
    defaults,
    schema: (z) =>
      z.object(
        Object.fromEntries(
          Object.entries(fields(z)).map(([name, field]) => [name, field.default(defaults[name] as never)]),
        ),
      ) as unknown as z.ZodType<OptionValues<Shape>>,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds rules of every option type.
export type AnyRule = Rule<any> | InventoryRule<any>;

/**
 * Declares a rule. Options are inferred from the schema and message ids from the keys of
 * `messages`, so `ctx.report({ messageId })` with an id the rule does not have fails to compile.
 */
export function defineRule<Options = Record<string, never>, MessageId extends string = never>(
  rule: Rule<Options, MessageId>,
): Rule<Options, MessageId> {
  return rule;
}

/** Declares a relational rule (see InventoryRule); options and message ids as `defineRule`. */
export function defineInventoryRule<Options = Record<string, never>, MessageId extends string = never>(
  rule: InventoryRule<Options, MessageId>,
): InventoryRule<Options, MessageId> {
  return rule;
}

export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in data ? String(data[key]) : whole));
}

/** The control plane's and the cloud provider's own namespaces, which most rules leave alone. */
export const SYSTEM_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

/** The option many rules take: the namespaces they leave out (by default the system ones). */
export function ignoreNamespacesOption(description: string, defaults: readonly string[] = SYSTEM_NAMESPACES) {
  return ruleOptions({ ignoreNamespaces: [...defaults] }, (z) => ({
    ignoreNamespaces: z.array(z.string()).describe(description),
  }));
}

/** The option of the rules that judge spot safety: how long a Job may run without checkpointing. */
export function longJobOption() {
  return ruleOptions({ longJobSeconds: 3600 }, (z) => ({
    longJobSeconds: z
      .number()
      .int()
      .positive()
      .describe(
        'A Job that may run longer than this (seconds) without declaring checkpointing is not spot-safe',
      ),
  }));
}
