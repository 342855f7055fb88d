/**
 * Finds the line of a field inside the user's YAML file, for SARIF and editor links: the
 * document is the one that starts at the object's recorded line, the node is the deepest part
 * of the path that exists (a missing `securityContext` points at its container).
 */
import { readFile } from 'node:fs/promises';
import type { LineCounter, Node } from 'yaml';
import type { Finding, ObjectPath } from '../../core/finding.ts';
import { pushTo } from '../../core/records.ts';
import { blockPathLine, FileLines, UNSUPPORTED } from './block-path.ts';

const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?:[ \t]|\r?$)/;

/** The comment-keeping parser, loaded only when a document needs it. */
export type YamlModule = typeof import('yaml');
/** `line` cannot answer without the parser. */
export const NEEDS_PARSER = Symbol('needs the parser');

/**
 * Lines of paths in one YAML file's documents, each found from the line the document's content
 * starts on. Block-style documents are read line by line (block-path.ts); a document that needs
 * more is parsed alone, once.
 */
export class YamlFileLocator {
  private readonly lines: FileLines;
  /** Line indexes of `---` and `...` markers, ascending. */
  private readonly markers: number[] = [];
  private readonly parsed = new Map<number, { lineCounter: LineCounter; contents: unknown } | undefined>();

  constructor(text: string) {
    this.lines = new FileLines(text);
    for (let i = 0; i < this.lines.count; i++) {
      const c = this.lines.firstChar(i);
      // Only lines starting with `-` or `.` can be markers.
      if ((c === 45 || c === 46) && DOCUMENT_MARKER.test(this.lines.at(i) as string)) this.markers.push(i);
    }
  }

  /**
   * 1-based line of `path` in the document whose content starts on 1-based line `start`;
   * NEEDS_PARSER when the document must be parsed and `yaml` is not given.
   */
  line(start: number, path: ObjectPath, yaml?: YamlModule): number | undefined | typeof NEEDS_PARSER {
    const root = start - 1;
    const end = this.markerAfter(root);
    const fast = blockPathLine({ lines: this.lines, end }, root, path);
    if (fast !== UNSUPPORTED) return fast;
    return yaml ? this.parsedLine(root, end, path, yaml) : NEEDS_PARSER;
  }

  /** The first marker after line index `root`, or the end of the file (binary search). */
  private markerAfter(root: number): number {
    let lo = 0;
    let hi = this.markers.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.markers[mid] as number) > root) hi = mid;
      else lo = mid + 1;
    }
    return this.markers[lo] ?? this.lines.count;
  }

  /** The same answer from a full parse of the one document (`nodeAt`). */
  parsedLine(root: number, end: number, path: ObjectPath, yaml: YamlModule): number | undefined {
    if (!this.parsed.has(root)) {
      const lineCounter = new yaml.LineCounter();
      const text = this.lines.slice(root, end);
      const docs = yaml.parseAllDocuments(text, { lineCounter, uniqueKeys: false });
      const doc = Array.isArray(docs) ? docs[0] : undefined;
      this.parsed.set(root, doc ? { lineCounter, contents: doc.contents } : undefined);
    }
    const doc = this.parsed.get(root);
    if (!doc) return undefined;
    const node = nodeAt(doc.contents, path, yaml);
    return node?.range ? root + doc.lineCounter.linePos(node.range[0]).line : undefined;
  }
}

function nodeAt(root: unknown, path: ObjectPath, { isMap, isSeq }: YamlModule): Node | undefined {
  let node = root as Node | undefined;
  let deepest = node;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const k = p.key as { value?: unknown } | null;
        return k !== null && typeof k === 'object' && k.value === key;
      });
      if (!pair) break;
      node = (pair.value ?? pair.key) as Node;
      // For a scalar leaf prefer the key's line (same line in block style).
      deepest = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) break;
      node = item;
      deepest = item;
    } else {
      break;
    }
  }
  return deepest;
}

const TEMPLATE_KEY = /^(\s*)(?:-\s+)?(["']?)([\w.\-/]+)\2\s*:(?:\s|$)/;

/**
 * The line of a path in a Helm template, which is text, not YAML (`{{ }}` anywhere): each key
 * of the path is looked for after the previous one, more indented than it, skipping list
 * indices; the deepest key found gives the line. Undefined when not even the first key is
 * there (the field comes from a helper or a values-driven block: the file is still named).
 */
export function locateInTemplate(text: string, path: ObjectPath): number | undefined {
  const lines = text.split('\n');
  let from = 0;
  let indent = -1;
  let found: number | undefined;
  for (const key of path) {
    if (typeof key === 'number') continue;
    let hit: number | undefined;
    for (let i = from; i < lines.length; i++) {
      const match = TEMPLATE_KEY.exec(lines[i] as string);
      if (!match) continue;
      const depth = (match[1] as string).length;
      // Left the block of the previous key: the path is not in this template as written.
      if (found !== undefined && depth <= indent && (lines[i] as string).trim() !== '') break;
      if (match[3] === key && depth > indent) {
        hit = i;
        indent = depth + ((lines[i] as string).slice(depth).startsWith('-') ? 2 : 0);
        break;
      }
    }
    if (hit === undefined) break;
    found = hit;
    from = hit + 1;
  }
  return found === undefined ? undefined : found + 1;
}

/**
 * Lines of findings in YAML files, keyed by finding. Files are read and parsed once each, only
 * for findings that have a path and a line-addressed origin.
 */
export async function locateFindings(findings: readonly Finding[]): Promise<Map<Finding, number>> {
  const lines = new Map<Finding, number>();
  const byFile = new Map<string, Finding[]>();
  const templates = new Map<string, Finding[]>();
  let yaml: YamlModule | undefined;
  for (const f of findings) {
    const source = f.origin?.source;
    if (!source || !f.path) continue;
    if (f.origin?.rendered?.startsWith('helm template') && f.origin.line === undefined) {
      pushTo(templates, source, f);
      continue;
    }
    if (f.origin?.line === undefined || !/\.ya?ml$/i.test(source)) continue;
    pushTo(byFile, source, f);
  }
  for (const [file, list] of templates) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    for (const f of list) {
      const line = locateInTemplate(text, f.path as ObjectPath);
      if (line !== undefined) lines.set(f, line);
    }
  }
  for (const [file, list] of byFile) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    const located = new YamlFileLocator(text);
    const parse: Finding[] = [];
    for (const f of list) {
      const line = located.line(f.origin?.line as number, f.path as ObjectPath);
      if (line === NEEDS_PARSER) parse.push(f);
      else if (line !== undefined) lines.set(f, line);
    }
    if (parse.length === 0) continue;
    yaml ??= await import('yaml');
    for (const f of parse) {
      const line = located.line(f.origin?.line as number, f.path as ObjectPath, yaml);
      if (typeof line === 'number') lines.set(f, line);
    }
  }
  return lines;
}
