/**
 * What a PromQL expression reads, from Prometheus' own grammar (@prometheus-io/lezer-promql, the
 * parser of Prometheus' web UI), loaded on first use: most runs never look at an expression.
 */
import { createRequire } from 'node:module';
import { prometheusDurationMs } from './alerting-rules.ts';

interface SyntaxNode {
  name: string;
  from: number;
  to: number;
  parent: SyntaxNode | null;
  getChild(name: string): SyntaxNode | null;
  getChildren(name: string): SyntaxNode[];
  type: { isError: boolean };
}
interface Tree {
  topNode: SyntaxNode;
  iterate(spec: { enter(node: { name: string; type: { isError: boolean }; node: SyntaxNode }): void }): void;
}
interface Parser {
  parse(text: string): Tree;
}

let parser: Parser | undefined;

/** The last expression parsed: a rule asks what it reads, then whether it is empty without it. */
let last: { expr: string; tree: Tree } | undefined;

function parse(expr: string): Tree {
  if (last?.expr !== expr) {
    parser ??= (createRequire(import.meta.url)('@prometheus-io/lezer-promql') as { parser: Parser }).parser;
    last = { expr, tree: parser.parse(expr) };
  }
  return last.tree;
}

export interface PromqlReads {
  /** Metric names the expression selects, in order of appearance, each once. */
  metrics: string[];
  /** Of those, the ones it reads only to alert on their absence (`absent`, `absent_over_time`). */
  absenceOnly: string[];
  /** Set when the expression does not parse; `metrics` is then what could be read. */
  error?: string;
}

function insideAbsent(node: SyntaxNode, text: string): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.name !== 'FunctionCall') continue;
    const fn = p.getChild('FunctionIdentifier');
    const name = fn ? text.slice(fn.from, fn.to) : '';
    if (name === 'absent' || name === 'absent_over_time') return true;
  }
  return false;
}

/** The name a selector asks for: `up`, or `{__name__="up"}`. */
function selectorName(node: SyntaxNode, text: string): string | undefined {
  const id = node.getChild('Identifier');
  if (id) return text.slice(id.from, id.to);
  const matchers = node.getChild('LabelMatchers');
  for (const m of matchers?.getChildren('UnquotedLabelMatcher') ?? []) {
    const label = m.getChild('LabelName');
    const op = m.getChild('MatchOp');
    const value = m.getChild('StringLiteral');
    if (!label || !op || !value || text.slice(label.from, label.to) !== '__name__') continue;
    if (text.slice(op.from, op.to) !== '=') return undefined;
    return text.slice(value.from + 1, value.to - 1);
  }
  return undefined;
}

export function promqlReads(expr: string): PromqlReads {
  const used = new Map<string, boolean>();
  let error: string | undefined;
  parse(expr).iterate({
    enter(n) {
      if (n.type.isError && error === undefined) error = `does not parse near character ${n.node.from + 1}`;
      if (n.name !== 'VectorSelector') return;
      const name = selectorName(n.node, expr);
      if (name === undefined) return;
      const absent = insideAbsent(n.node, expr);
      used.set(name, (used.get(name) ?? true) && absent);
    },
  });
  const metrics = [...used.keys()];
  return {
    metrics,
    absenceOnly: metrics.filter((m) => used.get(m)),
    ...(error ? { error } : {}),
  };
}

/** Node types that are expressions (the rest are operators, modifiers, names). */
const EXPRESSIONS = new Set([
  'BinaryExpr',
  'FunctionCall',
  'AggregateExpr',
  'ParenExpr',
  'MatrixSelector',
  'VectorSelector',
  'SubqueryExpr',
  'OffsetExpr',
  'UnaryExpr',
  'StepInvariantExpr',
  'AnchoredExpr',
  'SmoothedExpr',
  'NumberDurationLiteral',
  'NumberLiteral',
  'StringLiteral',
]);

interface Walkable extends SyntaxNode {
  firstChild: Walkable | null;
  nextSibling: Walkable | null;
}

function expressionChildren(node: Walkable): Walkable[] {
  const out: Walkable[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (EXPRESSIONS.has(c.name)) out.push(c);
    // A call's or an aggregation's arguments sit one level down, in its body.
    else if (c.name === 'FunctionCallBody') out.push(...expressionChildren(c));
  }
  return out;
}

function hasChild(node: Walkable, name: string): boolean {
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.name === name) return true;
  return false;
}

/**
 * Whether the expression can only ever evaluate to nothing when the `missing` metrics have no
 * series: a selector of a missing metric is empty, `a or b` only when both are, `a unless b`
 * when `a` is, `a and b` or arithmetic when either is, a function or aggregation when one of its
 * arguments is — except `absent()` and `absent_over_time()`, which fire on exactly that.
 * Undefined when the expression does not parse.
 */
export function evaluatesEmpty(expr: string, missing: ReadonlySet<string>): boolean | undefined {
  if (promqlReads(expr).error) return undefined;
  const empty = (node: Walkable): boolean => {
    const children = expressionChildren(node);
    switch (node.name) {
      case 'VectorSelector': {
        const name = selectorName(node, expr);
        return name !== undefined && missing.has(name);
      }
      case 'NumberDurationLiteral':
      case 'NumberLiteral':
      case 'StringLiteral':
        return false;
      case 'BinaryExpr': {
        const [left, right] = [children[0], children[children.length - 1]];
        if (!left || !right) return false;
        if (hasChild(node, 'Or')) return empty(left) && empty(right);
        if (hasChild(node, 'Unless')) return empty(left);
        return empty(left) || empty(right);
      }
      case 'FunctionCall': {
        const fn = node.getChild('FunctionIdentifier');
        const name = fn ? expr.slice(fn.from, fn.to) : '';
        if (name === 'absent' || name === 'absent_over_time') return false;
        return children.some(empty);
      }
      default:
        return children.some(empty);
    }
  };
  return empty(parse(expr).topNode as Walkable);
}

/**
 * Whether every series of a (sub)expression carries a label: always, never, or some only (or
 * not known). A selector's series are taken to carry every label, unless it pins the label empty.
 */
type Carries = 'always' | 'never' | 'some';

interface Output {
  type: 'scalar' | 'string' | 'vector' | 'matrix';
  carries: Carries;
}

const SCALAR: Output = { type: 'scalar', carries: 'never' };
const vectorOf = (carries: Carries): Output => ({ type: 'vector', carries });

/** Series from either side (`or`): the label is certain only when both sides agree. */
const union = (a: Carries, b: Carries): Carries => (a === b ? a : 'some');

/**
 * Series paired on the label share its value: carried when either side always carries it, not
 * when either never does (a certain loss outweighs what selectors are only assumed to carry).
 */
function matched(a: Carries, b: Carries): Carries {
  if (a === 'never' || b === 'never') return 'never';
  return a === 'always' || b === 'always' ? 'always' : 'some';
}

type Walk = (node: Walkable, label?: string) => Output;

/** The value of a string literal: quotes off, backslash escapes resolved (raw between backticks). */
function stringValue(node: SyntaxNode, text: string): string {
  const body = text.slice(node.from + 1, node.to - 1);
  return text[node.from] === '`' ? body : body.replace(/\\(.)/g, '$1');
}

/** A `LabelName`, or a `QuotedLabelName` (`"name"`). */
function labelName(node: SyntaxNode, text: string): string {
  const quoted = node.getChild('StringLiteral');
  return quoted ? stringValue(quoted, text) : text.slice(node.from, node.to);
}

function groupingLabels(node: SyntaxNode | null, text: string): string[] {
  const names = [...(node?.getChildren('LabelName') ?? []), ...(node?.getChildren('QuotedLabelName') ?? [])];
  return names.map((n) => labelName(n, text));
}

/** A selector's matchers on one label: their operators and values. */
function matchersOn(selector: SyntaxNode, text: string, label: string): { op: string; value: string }[] {
  const matchers = selector.getChild('LabelMatchers');
  const all = [
    ...(matchers?.getChildren('UnquotedLabelMatcher') ?? []),
    ...(matchers?.getChildren('QuotedLabelMatcher') ?? []),
  ];
  return all.flatMap((m) => {
    const name = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
    const op = m.getChild('MatchOp');
    const value = m.getChild('StringLiteral');
    if (!name || !op || !value || labelName(name, text) !== label) return [];
    return [{ op: text.slice(op.from, op.to), value: stringValue(value, text) }];
  });
}

/** `{label=""}` selects the series without the label; any other selector is taken to carry it. */
function selectorCarries(selector: SyntaxNode, text: string, label: string): Carries {
  // No series has a label without a name (label_replace's idiom for "from nothing").
  if (label === '') return 'never';
  const empty = matchersOn(selector, text, label).some(
    (m) => (m.op === '=' || m.op === '=~') && m.value === '',
  );
  return empty ? 'never' : 'always';
}

/**
 * `absent(v)` and `absent_over_time(v[d])` output one series whose labels are the equality
 * matchers of the selector they are given: a label's first `=` sets it, any later matcher on it
 * (or an `=` to "") removes it again; given anything else, no labels.
 */
function absentCarries(arg: Walkable | undefined, text: string, label: string): Carries {
  let node = arg;
  const unwrap = ['ParenExpr', 'OffsetExpr', 'StepInvariantExpr', 'AnchoredExpr', 'SmoothedExpr'];
  while (node && unwrap.includes(node.name)) node = expressionChildren(node)[0];
  if (node?.name === 'MatrixSelector') node = expressionChildren(node)[0];
  while (node && unwrap.includes(node.name)) node = expressionChildren(node)[0];
  if (node?.name !== 'VectorSelector') return 'never';
  let set = false;
  let carries: Carries = 'never';
  for (const m of matchersOn(node, text, label)) {
    carries = m.op === '=' && !set && m.value !== '' ? 'always' : 'never';
    if (m.op === '=') set = true;
  }
  return carries;
}

/** Regular expressions (fully anchored, as PromQL's are) that match every value, the empty one too. */
const MATCHES_ANY = new Set(['.*', '(.*)']);

/**
 * `label_replace(v, dst, replacement, src, regex)`: a series whose `src` value the regex matches
 * gets `dst` set to the expanded replacement (removed when that is empty); the others pass
 * unchanged.
 */
function labelReplaceCarries(args: Walkable[], text: string, label: string, walk: Walk): Carries {
  const [v, ...rest] = args;
  if (!v) return 'never';
  const inner = walk(v).carries;
  const [dst, replacement, src, regex] = rest.map((a) =>
    a.name === 'StringLiteral' ? stringValue(a, text) : undefined,
  );
  if (dst !== label) return inner;
  if (replacement === undefined || src === undefined || regex === undefined) return 'some';
  const source = walk(v, src).carries;
  let references = false;
  // `$1`, `$name`, `${name}` expand to a capture, `$$` to a dollar; the rest is literal.
  const literal = replacement.replace(/\$(\$|\{\w+\}|\w+)/g, (_, ref: string) => {
    if (ref === '$') return '$';
    references = true;
    return '';
  });
  let replaced: Carries;
  if (literal !== '') replaced = 'always';
  // Captures of an empty value are empty.
  else if (!references || source === 'never') replaced = 'never';
  else if (regex === '(.*)' && /^\$(1|\{1\})$/.test(replacement)) replaced = source;
  else replaced = 'some';
  if (MATCHES_ANY.has(regex) || (source === 'never' && regex === '')) return replaced;
  // The empty regex matches only a missing `src`.
  if (source === 'always' && regex === '') return inner;
  return union(replaced, inner);
}

/** `label_join(v, dst, separator, src…)`: `dst` is set to the joined values, removed when empty. */
function labelJoinCarries(args: Walkable[], text: string, label: string, walk: Walk): Carries {
  const [v, ...rest] = args;
  if (!v) return 'never';
  const [dst, separator, ...sources] = rest.map((a) =>
    a.name === 'StringLiteral' ? stringValue(a, text) : undefined,
  );
  if (dst !== label) return walk(v).carries;
  if (separator === undefined || sources.some((s) => s === undefined)) return 'some';
  if (sources.length >= 2 && separator !== '') return 'always';
  const each = sources.map((s) => walk(v, s).carries);
  if (each.includes('always')) return 'always';
  return each.every((c) => c === 'never') ? 'never' : 'some';
}

/** Functions that return a scalar: no labels. */
const SCALAR_FUNCTIONS = new Set(['scalar', 'time', 'pi', 'start', 'end', 'range', 'step']);

function functionOutput(node: Walkable, text: string, label: string, walk: Walk): Output {
  const fn = node.getChild('FunctionIdentifier');
  const name = fn ? text.slice(fn.from, fn.to) : '';
  const args = expressionChildren(node);
  if (SCALAR_FUNCTIONS.has(name)) return SCALAR;
  if (name === 'absent' || name === 'absent_over_time') return vectorOf(absentCarries(args[0], text, label));
  if (name === 'label_replace') return vectorOf(labelReplaceCarries(args, text, label, walk));
  if (name === 'label_join') return vectorOf(labelJoinCarries(args, text, label, walk));
  // Over classic buckets the quantile is computed across `le`, which it drops.
  if (name === 'histogram_quantile' && label === 'le') return vectorOf('never');
  // The rest keep the labels of their one vector or range argument (rate and the *_over_time
  // drop only the metric name); without one (vector(), minute()) the output has no labels.
  const series = args.map((a) => walk(a)).find((o) => o.type === 'vector' || o.type === 'matrix');
  const carries = series?.carries ?? 'never';
  // info() adds data labels of info metrics to what it is given.
  if (name === 'info' && carries !== 'always') return vectorOf('some');
  return vectorOf(carries);
}

/** Aggregations that pick series (rather than compute over a group) keep their labels whole. */
const SELECTING = new Set(['Topk', 'Bottomk', 'LimitK', 'LimitRatio']);

function aggregateOutput(node: Walkable, text: string, label: string, walk: Walk): Output {
  const op = (node.getChild('AggregateOp') as Walkable | null)?.firstChild?.name ?? '';
  const args = expressionChildren(node);
  const last = args[args.length - 1];
  const inner = last ? walk(last).carries : 'never';
  if (SELECTING.has(op)) return vectorOf(inner);
  // count_values("label", v) writes each value into that label.
  if (op === 'CountValues' && args[0]?.name === 'StringLiteral' && stringValue(args[0], text) === label)
    return vectorOf('always');
  const modifier = node.getChild('AggregateModifier');
  if (!modifier) return vectorOf('never');
  const listed = groupingLabels(modifier.getChild('GroupingLabels'), text).includes(label);
  if (modifier.getChild('By')) return vectorOf(listed ? inner : 'never');
  return vectorOf(listed ? 'never' : inner);
}

/**
 * Between two vectors: `and` and `unless` return left-hand series unchanged, `or` the left's
 * and the right's; arithmetic and comparisons match one-to-one and keep the left's labels, only
 * those of `on (…)` or all but those of `ignoring (…)`, or with `group_left` / `group_right`
 * the "many" side's labels whole, plus the `group_x (…)` labels copied from the "one" side.
 */
function binaryOutput(node: Walkable, text: string, label: string, walk: Walk): Output {
  const children = expressionChildren(node);
  const [l, r] = [children[0], children[children.length - 1]];
  if (!l || !r) return vectorOf('some');
  const [left, right] = [walk(l), walk(r)];
  // With a scalar on one side the vector's labels pass; between scalars, a scalar.
  if (left.type === 'scalar') return right.type === 'scalar' ? SCALAR : vectorOf(right.carries);
  if (right.type === 'scalar') return vectorOf(left.carries);
  const [L, R] = [left.carries, right.carries];
  if (hasChild(node, 'Or')) return vectorOf(union(L, R));
  if (hasChild(node, 'Unless')) return vectorOf(L);
  const clause = node.getChild('MatchingModifierClause');
  const lists = clause?.getChildren('GroupingLabels') ?? [];
  const matching = groupingLabels(lists[0] ?? null, text);
  // Whether paired series agree on the label: it is among the `on` labels, or not `ignoring`ed.
  const agree = clause?.getChild('On') ? matching.includes(label) : !matching.includes(label);
  // fill(), fill_left(), fill_right() let series without a partner through: from either side.
  const filled = hasChild(node, 'FillModifier');
  if (hasChild(node, 'And')) return vectorOf(agree && !filled ? matched(L, R) : L);
  const groupLeft = clause?.getChild('GroupLeft');
  if (!groupLeft && !clause?.getChild('GroupRight')) {
    if (!agree) return vectorOf('never');
    return vectorOf(filled ? union(L, R) : matched(L, R));
  }
  if (filled) return vectorOf(union(L, R));
  if (agree) return vectorOf(matched(L, R));
  const included = groupingLabels(lists[1] ?? null, text).includes(label);
  // group_left: the left is "many", the right "one"; group_right the other way round.
  const [many, one] = groupLeft ? [L, R] : [R, L];
  return vectorOf(included ? one : many);
}

function outputOf(node: Walkable, text: string, label: string): Output {
  const walk: Walk = (n, other = label) => outputOf(n, text, other);
  const first = expressionChildren(node)[0];
  switch (node.name) {
    case 'VectorSelector':
      return vectorOf(selectorCarries(node, text, label));
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return { type: 'matrix', carries: first ? walk(first).carries : 'never' };
    case 'NumberDurationLiteral':
    case 'NumberLiteral':
      return SCALAR;
    case 'StringLiteral':
      return { type: 'string', carries: 'never' };
    case 'AggregateExpr':
      return aggregateOutput(node, text, label, walk);
    case 'FunctionCall':
      return functionOutput(node, text, label, walk);
    case 'BinaryExpr':
      return binaryOutput(node, text, label, walk);
    default:
      // The whole expression, parentheses, unary minus, offset, @, anchored, smoothed: what they wrap.
      return first ? walk(first) : vectorOf('some');
  }
}

/**
 * Whether every series the expression can output carries `label`, following PromQL: given that
 * the series its selectors select carry it (unless a selector pins it empty), whether
 * aggregations, functions and operators keep it, set it or drop it — `or` keeps it only if both
 * sides do, a scalar result has no labels. Undefined when the expression does not parse, or for
 * `__name__` (which functions and operators drop on rules of their own).
 */
export function outputKeepsLabel(expr: string, label: string): boolean | undefined {
  if (label === '__name__' || promqlReads(expr).error) return undefined;
  return outputOf(parse(expr).topNode as Walkable, expr, label).carries === 'always';
}

/** What decides whether an alert needs `for`: read from the expression's syntax tree. */
export interface AlertShape {
  /**
   * Metric names of the selectors evaluated at one instant, in order of appearance (`{}` for a
   * selector without a fixed name); a selector inside a range or a subquery is not one.
   */
  instant: string[];
  /** Instant names whose every selector pins `state` or `phase` to "failed". */
  failedStateOnly: Set<string>;
  /** The longest range or subquery window, in milliseconds (0 when there is none). */
  longestRangeMs: number;
  /** Whether the expression calls `time()` (an age or a deadline). */
  callsTime: boolean;
  /** Set when the expression does not parse. */
  error?: string;
}

function pinsFailedState(selector: SyntaxNode, text: string): boolean {
  const matchers = selector.getChild('LabelMatchers');
  return (matchers?.getChildren('UnquotedLabelMatcher') ?? []).some((m) => {
    const label = m.getChild('LabelName');
    const op = m.getChild('MatchOp');
    const value = m.getChild('StringLiteral');
    if (!label || !op || !value) return false;
    return (
      /^(state|phase)$/i.test(text.slice(label.from, label.to)) &&
      text.slice(op.from, op.to) === '=' &&
      text.slice(value.from + 1, value.to - 1).toLowerCase() === 'failed'
    );
  });
}

function insideRange(node: SyntaxNode): boolean {
  for (let p = node.parent; p; p = p.parent)
    if (p.name === 'MatrixSelector' || p.name === 'SubqueryExpr') return true;
  return false;
}

export function alertShape(expr: string): AlertShape {
  const instant: string[] = [];
  const failed = new Map<string, boolean>();
  let longest = 0;
  let callsTime = false;
  let error: string | undefined;
  parse(expr).iterate({
    enter(n) {
      if (n.type.isError && error === undefined) error = `does not parse near character ${n.node.from + 1}`;
      if (n.name === 'Time') callsTime = true;
      if ((n.name === 'MatrixSelector' || n.name === 'SubqueryExpr') && n.node.getChild('DurationExpr')) {
        const window = n.node.getChild('DurationExpr') as SyntaxNode;
        longest = Math.max(longest, prometheusDurationMs(expr.slice(window.from, window.to)) ?? 0);
      }
      if (n.name !== 'VectorSelector' || insideRange(n.node)) return;
      const name = n.node.getChild('Identifier') ? (selectorName(n.node, expr) as string) : '{}';
      instant.push(name);
      failed.set(name, (failed.get(name) ?? true) && pinsFailedState(n.node, expr));
    },
  });
  return {
    instant,
    failedStateOnly: new Set([...failed].filter(([, only]) => only).map(([name]) => name)),
    longestRangeMs: longest,
    callsTime,
    ...(error ? { error } : {}),
  };
}
