/**
 * The line of a path inside one YAML document, found by reading its lines rather than parsing
 * it: block-style YAML (what people write, what `helm template` and `kubectl get -o yaml` print)
 * says where a key's children are by indentation alone, so a key is looked for only among the
 * lines at its map's indentation and a sequence item among the `-` lines at its sequence's.
 *
 * Anything this reading does not model — flow collections walked into, anchors, aliases, tags,
 * complex keys, keys that are not plain strings, tabs in indentation — answers UNSUPPORTED, and
 * the caller parses the document instead. The line returned is the one a full parse gives for
 * the deepest node of the path that exists (`nodeAt` in locate.ts): a key with a value points
 * at the value's first line, a key without one at the key, a missing key at its map.
 */
import type { ObjectPath } from '../../core/finding.ts';

export const UNSUPPORTED = Symbol('unsupported');

/** Where a node starts: 0-based line index and column. */
interface At {
  line: number;
  col: number;
}

/**
 * A file's lines, found by their offsets: a 170 MB file has millions of lines, and a string for
 * each would cost hundreds of megabytes where the offsets take a few dozen.
 */
export class FileLines {
  readonly text: string;
  /** Offset of each line's first character; one more entry past the end. */
  private readonly starts: Uint32Array;
  readonly count: number;

  constructor(text: string) {
    this.text = text;
    let n = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
    const starts = new Uint32Array(n + 1);
    let line = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts[line++] = i + 1;
    starts[n] = text.length + 1;
    this.starts = starts;
    this.count = n;
  }

  /** Line `i` (0-based) without its line end, or undefined past the last. */
  at(i: number): string | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.text.slice(this.starts[i] as number, (this.starts[i + 1] as number) - 1);
  }

  /** The first character of line `i`, as a char code (NaN for an empty last line). */
  firstChar(i: number): number {
    return this.text.charCodeAt(this.starts[i] as number);
  }

  /** Lines `from` to `to` (exclusive) as text. */
  slice(from: number, to: number): string {
    return this.text.slice(this.starts[from] as number, Math.max(0, (this.starts[to] as number) - 1));
  }
}

/** A file's lines and the index just past the document's last line. */
export interface DocumentLines {
  lines: FileLines;
  end: number;
}

const SEQ_ENTRY = /^-(?:[ \t]|$)/;
/** Values whose first character this reading does not follow. */
const UNSUPPORTED_VALUE = /^[&*!?%@`]/;
/** Plain scalars the YAML core schema reads as something other than a string. */
const NON_STRING =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[\d.][\d._]*(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

function indentOf(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  return i;
}

/** Blank, comment-only, or a tab where indentation is (unsupported: `\t` never indents YAML). */
function skippable(line: string, indent: number): boolean | typeof UNSUPPORTED {
  const c = line[indent];
  if (c === undefined || c === '#' || c === '\r') return true;
  if (c === '\t') return line.trim() === '' ? true : UNSUPPORTED;
  return false;
}

interface Key {
  key: string;
  /** Column of what follows the `:` and its spaces. */
  valueCol: number;
}

/** The key at `col` of `line`, undefined when the text there is not a plain or quoted key. */
function keyAt(line: string, col: number): Key | undefined | typeof UNSUPPORTED {
  const text = line.slice(col);
  let key: string;
  let after: number;
  if (text[0] === '"' || text[0] === "'") {
    const quote = text[0];
    const close = text.indexOf(quote, 1);
    if (close === -1) return undefined;
    const raw = text.slice(1, close);
    // Escapes (`\"`, `''`) are left to the parser.
    if ((quote === '"' && raw.includes('\\')) || (quote === "'" && text[close + 1] === "'"))
      return UNSUPPORTED;
    key = raw;
    after = close + 1;
    while (text[after] === ' ' || text[after] === '\t') after++;
    if (text[after] !== ':') return undefined;
  } else {
    if (UNSUPPORTED_VALUE.test(text) || text[0] === '[' || text[0] === '{') return UNSUPPORTED;
    // A plain key runs to the first `: ` (or `:` at the end); `#` after a space starts a comment.
    const match = /^(.*?)[ \t]*:(?:[ \t]|$)/.exec(text.replace(/\r$/, ''));
    if (!match || / #/.test(match[1] as string)) return undefined;
    key = match[1] as string;
    if (NON_STRING.test(key)) return UNSUPPORTED;
    after = match[0].length - (/[ \t]$/.test(match[0]) ? 1 : 0) - 1;
  }
  let valueCol = col + after + 1;
  while (line[valueCol] === ' ' || line[valueCol] === '\t') valueCol++;
  return { key, valueCol };
}

/** Whether text at a value position is empty (end of line, comment). */
function emptyAt(line: string, col: number): boolean {
  const c = line[col];
  return c === undefined || c === '#' || c === '\r';
}

/**
 * The node that starts on a later line than a key or `-` at column `parent` whose own line has
 * nothing after it: the next content line, if it is more indented (or, for a key, a sequence at
 * the same indentation). Undefined for an empty value.
 */
function nextLineNode(
  doc: DocumentLines,
  from: number,
  parent: number,
  compactSeq: boolean,
): At | undefined | typeof UNSUPPORTED {
  for (let i = from; i < doc.end; i++) {
    const line = doc.lines.at(i) as string;
    const indent = indentOf(line);
    const skip = skippable(line, indent);
    if (skip === UNSUPPORTED) return UNSUPPORTED;
    if (skip) continue;
    if (indent > parent) return { line: i, col: indent };
    if (compactSeq && indent === parent && SEQ_ENTRY.test(line.slice(indent)))
      return { line: i, col: indent };
    return undefined;
  }
  return undefined;
}

type Found = { node: At; value: boolean } | undefined | typeof UNSUPPORTED;

/** A value that starts on its key's (or `-`'s) line. Anchors and tags move the parser's start. */
function valueOnLine(line: string, i: number, col: number): Found {
  if (UNSUPPORTED_VALUE.test(line.slice(col, col + 1))) return UNSUPPORTED;
  return { node: { line: i, col }, value: true };
}

/**
 * Whether the flow collection opening at `col` closes on the same line: then every node inside
 * it starts on that line too.
 */
function flowClosesOnLine(line: string, col: number): boolean {
  let depth = 0;
  for (let i = col; i < line.length; i++) {
    const c = line[i];
    if (c === '"' || c === "'") {
      // Skip the quoted scalar ('' and \" escapes); unclosed on this line → multi-line.
      let j = i + 1;
      for (; j < line.length; j++) {
        if (c === '"' && line[j] === '\\') j++;
        else if (line[j] === c) {
          if (c === "'" && line[j + 1] === "'") j++;
          else break;
        }
      }
      if (j >= line.length) return false;
      i = j;
    } else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0) return true;
    } else if (c === '#' && (line[i - 1] === ' ' || line[i - 1] === '\t')) return false;
  }
  return false;
}

/** The value of `key` in the block map at `map`, or undefined when the map has no such key. */
function findKey(doc: DocumentLines, map: At, key: string): Found {
  for (let i = map.line; i < doc.end; i++) {
    const line = doc.lines.at(i) as string;
    let col = map.col;
    if (i !== map.line) {
      const indent = indentOf(line);
      const skip = skippable(line, indent);
      if (skip === UNSUPPORTED) return UNSUPPORTED;
      if (skip || indent > map.col) continue;
      if (indent < map.col) return undefined;
      // A sequence at the map's own indentation is the previous key's value.
      if (SEQ_ENTRY.test(line.slice(indent))) continue;
      col = indent;
    }
    const found = keyAt(line, col);
    if (found === UNSUPPORTED) return UNSUPPORTED;
    if (found === undefined) return i === map.line ? UNSUPPORTED : undefined;
    if (found.key !== key) continue;
    if (!emptyAt(line, found.valueCol)) return valueOnLine(line, i, found.valueCol);
    const below = nextLineNode(doc, i + 1, map.col, true);
    if (below === UNSUPPORTED) return UNSUPPORTED;
    return below ? { node: below, value: true } : { node: { line: i, col }, value: false };
  }
  return undefined;
}

/** Item `index` of the block sequence at `seq`, or undefined when it has fewer items. */
function findItem(doc: DocumentLines, seq: At, index: number): Found {
  let n = -1;
  for (let i = seq.line; i < doc.end; i++) {
    const line = doc.lines.at(i) as string;
    const indent = i === seq.line ? seq.col : indentOf(line);
    if (i !== seq.line) {
      const skip = skippable(line, indent);
      if (skip === UNSUPPORTED) return UNSUPPORTED;
      if (skip || indent > seq.col) continue;
      if (indent < seq.col) return undefined;
    }
    if (!SEQ_ENTRY.test(line.slice(indent))) return undefined;
    n++;
    if (n !== index) continue;
    let col = indent + 1;
    while (line[col] === ' ' || line[col] === '\t') col++;
    if (!emptyAt(line, col)) return valueOnLine(line, i, col);
    const below = nextLineNode(doc, i + 1, seq.col, false);
    if (below === UNSUPPORTED) return UNSUPPORTED;
    // An empty item is a null whose position the parser decides: not modelled.
    return below ? { node: below, value: true } : UNSUPPORTED;
  }
  return undefined;
}

/**
 * Whether a flow collection or quoted scalar in the document runs over several lines: its later
 * lines may sit at any indentation, which breaks reading structure from indentation.
 */
export function hasMultiLineScalarsOrFlows(doc: DocumentLines, root: number): boolean {
  for (let i = root; i < doc.end; i++) {
    const line = doc.lines.at(i) as string;
    if (!/["'[{]/.test(line)) continue;
    let col = indentOf(line);
    // Past `- ` entries and a key to where the value starts.
    while (SEQ_ENTRY.test(line.slice(col))) {
      col++;
      while (line[col] === ' ') col++;
    }
    if (line[col] !== '[' && line[col] !== '{') {
      const key = keyAt(line, col);
      if (key === UNSUPPORTED) return true;
      if (key) col = key.valueCol;
    }
    const c = line[col];
    if (c === '[' || c === '{') {
      if (!flowClosesOnLine(line, col)) return true;
    } else if ((c === '"' || c === "'") && !quoteClosesOnLine(line, col)) return true;
  }
  return false;
}

function quoteClosesOnLine(line: string, col: number): boolean {
  const q = line[col];
  for (let j = col + 1; j < line.length; j++) {
    if (q === '"' && line[j] === '\\') j++;
    else if (line[j] === q) {
      if (q === "'" && line[j + 1] === "'") j++;
      else return true;
    }
  }
  return false;
}

/** Per file, per document: `hasMultiLineScalarsOrFlows`, read once for all its findings. */
const multiLineDocuments = new WeakMap<FileLines, Map<number, boolean>>();

function multiLine(doc: DocumentLines, root: number): boolean {
  let known = multiLineDocuments.get(doc.lines);
  if (!known) {
    known = new Map();
    multiLineDocuments.set(doc.lines, known);
  }
  let answer = known.get(root);
  if (answer === undefined) {
    answer = hasMultiLineScalarsOrFlows(doc, root);
    known.set(root, answer);
  }
  return answer;
}

/**
 * The 1-based line of the deepest node of `path` in the document whose root starts on line
 * index `root`, or UNSUPPORTED when the document needs a real parse.
 */
export function blockPathLine(
  doc: DocumentLines,
  root: number,
  path: ObjectPath,
): number | typeof UNSUPPORTED {
  const first = doc.lines.at(root);
  // Content on a `---` line, or directives: left to the parser.
  if (first === undefined || /^(?:---|\.\.\.|%)/.test(first)) return UNSUPPORTED;
  if (multiLine(doc, root)) return UNSUPPORTED;
  let node: At = { line: root, col: indentOf(first) };
  for (const key of path) {
    const line = doc.lines.at(node.line) as string;
    const text = line.slice(node.col);
    if (UNSUPPORTED_VALUE.test(text)) return UNSUPPORTED;
    let found: Found;
    if (SEQ_ENTRY.test(text)) {
      if (typeof key !== 'number') break;
      found = findItem(doc, node, key);
    } else if (text[0] === '[' || text[0] === '{') {
      // Inside a one-line flow collection every node starts on its line.
      if (flowClosesOnLine(line, node.col)) break;
      return UNSUPPORTED;
    } else {
      if (typeof key !== 'string') break;
      const here = keyAt(line, node.col);
      if (here === UNSUPPORTED) return UNSUPPORTED;
      // A scalar: the path goes no deeper.
      if (here === undefined) break;
      found = findKey(doc, node, key);
    }
    if (found === UNSUPPORTED) return UNSUPPORTED;
    if (found === undefined) break;
    node = found.node;
    // A key without a value: the parser points at the key, and there is nothing below it.
    if (!found.value) break;
  }
  return node.line + 1;
}
