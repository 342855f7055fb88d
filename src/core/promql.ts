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
