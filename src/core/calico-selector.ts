/**
 * Calico's selector language (`all()`, `has(k)`, `k == 'v'`, `k in {'a','b'}`, `!`, `&&`,
 * `||`…), evaluated in three-valued logic: labels we know (a namespace's) decide, labels we do
 * not know (a pod's own) are "unknown". A selector selects *every* pod of a namespace only when
 * it evaluates to true without knowing any pod label — `all()`, or
 * `projectcalico.org/namespace not in {'kube-system'}` — which is what a default deny needs.
 */

/** true, false, or undefined for "depends on labels we do not know". */
export type Tristate = boolean | undefined;

type Node =
  | { type: 'all' }
  | { type: 'global' }
  | { type: 'has'; key: string }
  | { type: 'cmp'; key: string; op: '==' | '!=' | 'contains' | 'starts' | 'ends'; value: string }
  | { type: 'set'; key: string; negate: boolean; values: string[] }
  | { type: 'not'; inner: Node }
  | { type: 'and' | 'or'; left: Node; right: Node };

type Token =
  | { kind: 'label' | 'string'; value: string }
  | { kind: '(' | ')' | '{' | '}' | ',' | '==' | '!=' | '!' | '&&' | '||' | 'all' | 'global' | 'eof' }
  | { kind: 'has'; value: string }
  | { kind: 'in' | 'not in' | 'contains' | 'starts' | 'ends' };

const IDENT = /^[a-zA-Z0-9_./-]+/;

function tokenize(input: string): Token[] | undefined {
  const tokens: Token[] = [];
  let rest = input;
  for (;;) {
    rest = rest.replace(/^[ \t\r\n]+/, '');
    if (rest === '') {
      tokens.push({ kind: 'eof' });
      return tokens;
    }
    const last = tokens[tokens.length - 1];
    const c = rest[0];
    if (c === '(' || c === ')' || c === '{' || c === '}' || c === ',') {
      tokens.push({ kind: c });
      rest = rest.slice(1);
    } else if (c === '"' || c === "'") {
      const end = rest.indexOf(c, 1);
      if (end === -1) return undefined;
      tokens.push({ kind: 'string', value: rest.slice(1, end) });
      rest = rest.slice(end + 1);
    } else if (rest.startsWith('==')) {
      tokens.push({ kind: '==' });
      rest = rest.slice(2);
    } else if (rest.startsWith('!=')) {
      tokens.push({ kind: '!=' });
      rest = rest.slice(2);
    } else if (c === '!') {
      tokens.push({ kind: '!' });
      rest = rest.slice(1);
    } else if (rest.startsWith('&&')) {
      tokens.push({ kind: '&&' });
      rest = rest.slice(2);
    } else if (rest.startsWith('||')) {
      tokens.push({ kind: '||' });
      rest = rest.slice(2);
    } else if (last?.kind === 'label') {
      // After a label comes an operator word.
      const op = /^(contains|starts\s+with|ends\s+with|not\s+in|in)\b/.exec(rest);
      if (!op?.[1]) return undefined;
      const word = op[1].replace(/\s+/g, ' ');
      const kind = word === 'starts with' ? 'starts' : word === 'ends with' ? 'ends' : word;
      tokens.push({ kind: kind as 'in' | 'not in' | 'contains' | 'starts' | 'ends' });
      rest = rest.slice(op[0].length);
    } else {
      const fn = /^(all|global|has)\s*\(\s*([a-zA-Z0-9_./-]*)\s*\)/.exec(rest);
      if (fn) {
        if (fn[1] === 'has') {
          if (!fn[2]) return undefined;
          tokens.push({ kind: 'has', value: fn[2] });
        } else tokens.push({ kind: fn[1] as 'all' | 'global' });
        rest = rest.slice(fn[0].length);
        continue;
      }
      const ident = IDENT.exec(rest);
      if (!ident) return undefined;
      tokens.push({ kind: 'label', value: ident[0] });
      rest = rest.slice(ident[0].length);
    }
  }
}

class Parser {
  private i = 0;
  private readonly tokens: Token[];

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  private peek(): Token {
    return this.tokens[this.i] ?? { kind: 'eof' };
  }

  private next(): Token {
    const t = this.peek();
    this.i++;
    return t;
  }

  parseAll(): Node | undefined {
    if (this.peek().kind === 'eof') return { type: 'all' };
    const node = this.parseOr();
    return node && this.peek().kind === 'eof' ? node : undefined;
  }

  private parseOr(): Node | undefined {
    let left = this.parseAnd();
    while (left && this.peek().kind === '||') {
      this.next();
      const right = this.parseAnd();
      if (!right) return undefined;
      left = { type: 'or', left, right };
    }
    return left;
  }

  private parseAnd(): Node | undefined {
    let left = this.parseUnary();
    while (left && this.peek().kind === '&&') {
      this.next();
      const right = this.parseUnary();
      if (!right) return undefined;
      left = { type: 'and', left, right };
    }
    return left;
  }

  private parseUnary(): Node | undefined {
    const t = this.next();
    switch (t.kind) {
      case '!': {
        const inner = this.parseUnary();
        return inner && { type: 'not', inner };
      }
      case '(': {
        const inner = this.parseOr();
        return inner && this.next().kind === ')' ? inner : undefined;
      }
      case 'all':
        return { type: 'all' };
      case 'global':
        return { type: 'global' };
      case 'has':
        return { type: 'has', key: t.value };
      case 'label':
        return this.parseOperation(t.value);
      default:
        return undefined;
    }
  }

  private parseOperation(key: string): Node | undefined {
    const op = this.next();
    switch (op.kind) {
      case '==':
      case '!=':
      case 'contains':
      case 'starts':
      case 'ends': {
        const value = this.next();
        return value.kind === 'string' ? { type: 'cmp', key, op: op.kind, value: value.value } : undefined;
      }
      case 'in':
      case 'not in': {
        if (this.next().kind !== '{') return undefined;
        const values: string[] = [];
        if (this.peek().kind === '}') {
          this.next();
          return { type: 'set', key, negate: op.kind === 'not in', values };
        }
        for (;;) {
          const v = this.next();
          if (v.kind !== 'string') return undefined;
          values.push(v.value);
          const sep = this.next();
          if (sep.kind === '}') break;
          if (sep.kind !== ',') return undefined;
        }
        return { type: 'set', key, negate: op.kind === 'not in', values };
      }
      default:
        return undefined;
    }
  }
}

/** Parsed selector, or undefined when the text is not a selector hindsight can read. */
export interface CalicoSelector {
  readonly node: Node;
}

export function parseCalicoSelector(text: unknown): CalicoSelector | undefined {
  if (text === undefined || text === null) return { node: { type: 'all' } };
  if (typeof text !== 'string') return undefined;
  const tokens = tokenize(text);
  if (!tokens) return undefined;
  const node = new Parser(tokens).parseAll();
  return node ? { node } : undefined;
}

function and(a: Tristate, b: Tristate): Tristate {
  if (a === false || b === false) return false;
  if (a === true && b === true) return true;
  return undefined;
}

function or(a: Tristate, b: Tristate): Tristate {
  if (a === true || b === true) return true;
  if (a === false && b === false) return false;
  return undefined;
}

/**
 * Evaluates against the labels we know. `known(key)` returns the value (string), null when
 * the label is known to be absent, or undefined when the label is not known at all.
 */
export function evaluateCalicoSelector(
  selector: CalicoSelector,
  known: (key: string) => string | null | undefined,
  options: { global?: boolean } = {},
): Tristate {
  const walk = (n: Node): Tristate => {
    switch (n.type) {
      case 'all':
        return true;
      case 'global':
        return options.global ?? false;
      case 'has': {
        const v = known(n.key);
        return v === undefined ? undefined : v !== null;
      }
      case 'cmp': {
        const v = known(n.key);
        if (v === undefined) return undefined;
        if (v === null) return n.op === '!=';
        switch (n.op) {
          case '==':
            return v === n.value;
          case '!=':
            return v !== n.value;
          case 'contains':
            return v.includes(n.value);
          case 'starts':
            return v.startsWith(n.value);
          case 'ends':
            return v.endsWith(n.value);
        }
        return undefined;
      }
      case 'set': {
        const v = known(n.key);
        if (v === undefined) return undefined;
        const member = v !== null && n.values.includes(v);
        return n.negate ? !member : member;
      }
      case 'not': {
        const inner = walk(n.inner);
        return inner === undefined ? undefined : !inner;
      }
      case 'and':
        return and(walk(n.left), walk(n.right));
      case 'or':
        return or(walk(n.left), walk(n.right));
    }
  };
  return walk(selector.node);
}
