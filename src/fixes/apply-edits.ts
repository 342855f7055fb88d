/**
 * Applying a finding's edits, two ways that must agree: to the plain object (what the result
 * should read as) and to the `yaml` document model (which keeps comments, key order and
 * formatting). The fixer writes a file only when both agree.
 */
import { type Document, isMap, isSeq, type Node } from 'yaml';
import type { Edit, ObjectPath } from '../core/finding.ts';

function clone<T>(value: T): T {
  return structuredClone(value);
}

function isEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The object after the edits (a copy; the input is not changed). */
export function applyToObject(object: unknown, edits: readonly Edit[]): unknown {
  const root = clone(object) as Record<string | number, unknown>;
  for (const edit of edits) {
    const parentPath = edit.path.slice(0, -1);
    const last = edit.path[edit.path.length - 1] as string | number;
    let parent: Record<string | number, unknown> = root;
    for (let i = 0; i < parentPath.length; i++) {
      const key = parentPath[i] as string | number;
      let next = parent[key];
      if (next === undefined || next === null || typeof next !== 'object') {
        if (edit.op === 'remove') return root;
        next =
          typeof parentPath[i + 1] === 'number' || (i + 1 === parentPath.length && typeof last === 'number')
            ? []
            : {};
        parent[key] = next;
      }
      parent = next as Record<string | number, unknown>;
    }
    if (edit.op === 'set') parent[last] = clone(edit.value);
    else if (edit.op === 'remove') {
      if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
      else delete parent[last];
    } else {
      const list = parent[last];
      if (!Array.isArray(list)) parent[last] = [clone(edit.value)];
      else if (!list.some((item) => isEqual(item, edit.value))) list.push(clone(edit.value));
    }
  }
  return root;
}

/** Applies the edits to a parsed YAML document in place. */
export function applyToDocument(doc: Document, edits: readonly Edit[]): void {
  for (const edit of edits) {
    if (edit.op === 'set') {
      doc.setIn(edit.path, doc.createNode(edit.value));
    } else if (edit.op === 'remove') {
      if (doc.hasIn(edit.path)) doc.deleteIn(edit.path);
    } else {
      const list = doc.getIn(edit.path, true) as Node | undefined;
      if (isSeq(list)) {
        const plain = list.toJSON() as unknown[];
        if (!plain.some((item) => isEqual(item, edit.value))) list.add(doc.createNode(edit.value));
      } else {
        doc.setIn(edit.path, doc.createNode([edit.value]));
      }
    }
  }
}

/** Whether every parent on the path is a mapping or a sequence (or missing): an edit cannot turn a scalar into a map. */
export function pathIsEditable(doc: Document, path: ObjectPath): boolean {
  let node: unknown = doc.contents;
  for (const key of path.slice(0, -1)) {
    if (node === undefined || node === null) return true;
    if (isMap(node)) node = node.get(key, true);
    else if (isSeq(node) && typeof key === 'number') node = node.get(key, true);
    else return false;
  }
  // The last parent counts too: `spec: '-5m'` cannot take `spec.replicas`, nor a list a name.
  if (isSeq(node)) return typeof path[path.length - 1] === 'number';
  return node === undefined || node === null || isMap(node);
}
