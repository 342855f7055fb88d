/**
 * Edits a YAML document as text, touching only the lines an edit must: a scalar is replaced
 * where it stands, a missing key becomes one new line (or a new block) at the indentation of its
 * siblings, an item is appended to a list in the list's own style (block or flow). Every other
 * byte — indentation, quoting, flow style, comments — stays as the author wrote it.
 *
 * A key is removed with the lines it spans (in a block mapping that keeps other keys). An edit
 * the text patcher cannot place exactly (other removals, list indices, a key whose value is
 * empty) returns undefined, and the fixer falls back to re-serialising the document; either way
 * the result must re-read as the intended object before it is written.
 */
import {
  isMap,
  isScalar,
  isSeq,
  type Node,
  parseAllDocuments,
  stringify,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { Edit, ObjectPath } from '../core/finding.ts';

/** `text` with every edit applied, or undefined when one cannot be placed as text. */
export function patchDocumentText(
  text: string,
  edits: readonly Edit[],
  indentSeq: boolean,
): string | undefined {
  let current = text;
  for (const edit of edits) {
    const next = patchOne(current, edit, indentSeq);
    if (next === undefined) return undefined;
    current = next;
  }
  return current;
}

function isEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isScalarValue(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function patchOne(text: string, edit: Edit, indentSeq: boolean): string | undefined {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length === 0) return undefined;
  const doc = docs[0];
  if (!doc || doc.errors.length > 0) return undefined;
  let node = doc.contents as Node | null;
  let parent: Node | null = null;
  let depth = 0;
  for (; depth < edit.path.length; depth++) {
    const key = edit.path[depth] as string | number;
    let child: unknown;
    if (isMap(node)) child = node.get(key, true);
    else if (isSeq(node) && typeof key === 'number') child = node.get(key, true);
    else return undefined;
    if (child === undefined) break;
    parent = node;
    node = child as Node;
  }
  if (depth === edit.path.length && edit.op === 'remove')
    return removePair(text, parent, edit.path[edit.path.length - 1] as string | number);
  if (depth === edit.path.length) return patchExisting(text, node, edit, indentSeq);
  // The path exists down to a mapping; the rest is new.
  if (edit.op === 'remove') return text;
  const rest = edit.path.slice(depth);
  if (!isMap(node) || rest.some((k) => typeof k !== 'string')) return undefined;
  const value = nest(rest.slice(1), edit.op === 'set' ? edit.value : [edit.value]);
  return insertPair(text, node, rest[0] as string, value, indentSeq);
}

/** `{a: {b: value}}` for the path [a, b]. */
function nest(path: ObjectPath, value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

function patchExisting(text: string, node: Node | null, edit: Edit, indentSeq: boolean): string | undefined {
  if (!node?.range) return undefined;
  if (edit.op === 'set') {
    if (!isScalar(node) || !isScalarValue(edit.value)) return undefined;
    if (isScalarValue(node.value) && isEqual(node.value, edit.value)) return text;
    // An empty value (`key:`) has no text to replace in place.
    if (node.range[0] === node.range[1]) return undefined;
    return text.slice(0, node.range[0]) + renderScalar(edit.value) + text.slice(node.range[1]);
  }
  if (edit.op === 'add-to-list') {
    if (!isSeq(node)) return undefined;
    if ((node.toJSON() as unknown[]).some((item) => isEqual(item, edit.value))) return text;
    return appendItem(text, node, edit.value, indentSeq);
  }
  return undefined;
}

/**
 * `key` and its value cut out of a block mapping, whole lines only: the key must start its line
 * and the value end one. A mapping left empty, a flow mapping or a list item: undefined.
 */
function removePair(text: string, map: Node | null, key: string | number): string | undefined {
  if (!isMap(map) || map.flow || map.items.length < 2) return undefined;
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  const keyNode = pair?.key as Node | undefined;
  if (!pair || !keyNode?.range) return undefined;
  const value = pair.value as Node | null;
  const end = value?.range ? value.range[1] : keyNode.range[1];
  const start = lineStart(text, keyNode.range[0]);
  if (text.slice(start, keyNode.range[0]).trim() !== '') return undefined;
  // A block value's range ends where the next line begins.
  if (end > 0 && text[end - 1] === '\n') return text.slice(0, start) + text.slice(end);
  // Nothing but a comment may follow the value on its last line.
  const newline = text.indexOf('\n', end);
  const restOfLine = text.slice(end, newline === -1 ? text.length : newline);
  if (restOfLine.trim() !== '' && !restOfLine.trim().startsWith('#')) return undefined;
  const at = newline === -1 ? text.length : newline + 1;
  return text.slice(0, start) + text.slice(at);
}

function renderScalar(value: unknown): string {
  return stringify(value).replace(/\n$/, '');
}

/** A value in flow style (inside `{…}` or `[…]`). */
function renderFlow(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).replace(/\n$/, '');
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just past the end of the line holding `offset - 1`: where a following line begins. */
function afterLine(text: string, end: number): { at: number; prefix: string } {
  const newline = text.indexOf('\n', Math.max(0, end - 1));
  if (newline === -1) return { at: text.length, prefix: '\n' };
  return { at: newline + 1, prefix: '' };
}

/** `value` as block YAML, every line after the first indented by `indent`. */
function renderBlock(value: unknown, indent: number, indentSeq: boolean): string {
  const pad = ' '.repeat(indent);
  return stringify(value, { indentSeq, lineWidth: 0 })
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n');
}

function insertPair(
  text: string,
  map: YAMLMap,
  key: string,
  value: unknown,
  indentSeq: boolean,
): string | undefined {
  const range = map.range;
  if (!range) return undefined;
  const keyText = renderScalar(key);
  if (map.flow) {
    const close = text.lastIndexOf('}', range[1]);
    if (close < range[0]) return undefined;
    const inside = text.slice(range[0] + 1, close);
    const body = inside.replace(/\s+$/, '');
    const sep = body.trim() === '' ? '' : body.endsWith(',') ? ' ' : ', ';
    const pair = `${keyText}: ${renderFlow(value)}`;
    return `${text.slice(0, range[0] + 1)}${body}${sep}${pair}${inside.slice(body.length)}${text.slice(close)}`;
  }
  const first = map.items[0]?.key as Node | undefined;
  if (!first?.range) return undefined;
  const column = first.range[0] - lineStart(text, first.range[0]);
  const pad = ' '.repeat(column);
  let line: string;
  if (isScalarValue(value)) line = `${pad}${keyText}: ${renderScalar(value)}\n`;
  else {
    const childIndent = Array.isArray(value) && !indentSeq ? column : column + 2;
    line = `${pad}${keyText}:\n${renderBlock(value, childIndent, indentSeq)}\n`;
  }
  const { at, prefix } = afterLine(text, range[1]);
  return text.slice(0, at) + prefix + line + text.slice(at);
}

function appendItem(text: string, seq: YAMLSeq, value: unknown, indentSeq: boolean): string | undefined {
  const range = seq.range;
  if (!range) return undefined;
  if (seq.flow) {
    const close = text.lastIndexOf(']', range[1]);
    if (close < range[0]) return undefined;
    const inside = text.slice(range[0] + 1, close);
    const body = inside.replace(/\s+$/, '');
    const sep = body.trim() === '' ? '' : body.endsWith(',') ? ' ' : ', ';
    return `${text.slice(0, range[0] + 1)}${body}${sep}${renderFlow(value)}${inside.slice(body.length)}${text.slice(close)}`;
  }
  const firstItem = seq.items[0] as Node | undefined;
  if (!firstItem?.range) return undefined;
  const start = lineStart(text, firstItem.range[0]);
  const dash = text.lastIndexOf('-', firstItem.range[0]);
  if (dash < start) return undefined;
  const column = dash - start;
  const rendered = isScalarValue(value)
    ? renderScalar(value)
    : renderBlock(value, column + 2, indentSeq).slice(column + 2);
  const { at, prefix } = afterLine(text, range[1]);
  return `${text.slice(0, at)}${prefix}${' '.repeat(column)}- ${rendered}\n${text.slice(at)}`;
}
