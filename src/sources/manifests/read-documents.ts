/**
 * Splitting a YAML stream into documents with their starting lines, and parsing each one. The
 * fast js-yaml parser reads; comment-preserving editing of the user's files is the fixer's job.
 *
 * Read as strictly as the API server reads: a duplicate key is an error naming its line, and a
 * document nested deeper than MAX_NESTING_DEPTH, or whose aliases expand it beyond what a
 * manifest needs (a "billion laughs"), or form a cycle, is refused before anything walks it.
 */
import { CORE_SCHEMA, type LoadOptions, load as loadYaml, YAMLException } from 'js-yaml';
import { duplicateKeyMessage, MAX_NESTING_DEPTH } from './strict-json.ts';

export { MAX_NESTING_DEPTH } from './strict-json.ts';

export interface RawDocument {
  index: number;
  /** 1-based line where the document's content starts in the file. */
  line: number;
  value: unknown;
}

export interface DocumentError {
  index: number;
  line: number;
  message: string;
}

/** Aliases beyond this many in one document are refused: a "billion laughs" bomb, not a manifest. */
export const MAX_ALIASES_PER_DOCUMENT = 100;

/**
 * js-yaml's options. No `json: true`: it lets a repeated key's last value win silently.
 * `maxDepth` (js-yaml ≥ 4.2, not in @types/js-yaml yet) counts the scalar at the bottom too.
 */
function yamlOptions(filename: string): LoadOptions {
  const options: LoadOptions & { maxDepth: number } = {
    filename,
    schema: CORE_SCHEMA,
    maxDepth: MAX_NESTING_DEPTH + 1,
  };
  return options;
}

const DOCUMENT_MARKER = /^(---|\.\.\.)(?:[ \t].*)?$/;

/**
 * Splits on `---` and `...` markers at column 0 (YAML ends block scalars there too, so a marker
 * can never be inside a document's content).
 */
export function splitYamlDocuments(text: string): { line: number; text: string }[] {
  // Carriage returns and content on a marker line take the line-by-line way.
  if (text.includes('\r') || INLINE_MARKER.test(text)) return splitYamlDocumentsByLines(text);
  const docs: { line: number; text: string }[] = [];
  let line = 0;
  let counted = 0;
  /** 0-based line of an offset: newlines are counted once, front to back. */
  const lineAt = (offset: number): number => {
    for (let i = text.indexOf('\n', counted); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    counted = offset;
    return line;
  };
  const segment = (from: number, to: number): void => {
    // The document's content starts at its first line that is neither blank nor a comment.
    let at = from;
    while (at < to) {
      const eol = text.indexOf('\n', at);
      const end = eol === -1 || eol > to ? to : eol;
      if (isContent(text.slice(at, end))) break;
      at = end + 1;
    }
    if (at >= to) return;
    docs.push({ line: lineAt(at) + 1, text: text.slice(at, to) });
  };
  let from = 0;
  for (const marker of text.matchAll(MARKER_LINES)) {
    const start = marker.index;
    // Up to the newline that ends the last line before the marker.
    if (start > from) segment(from, start - 1);
    from = start + marker[0].length + 1;
  }
  if (from < text.length) segment(from, text.length);
  return docs;
}

const MARKER_LINES = /^(?:---|\.\.\.)(?:[ \t].*)?$/gm;
const INLINE_MARKER = /^---[ \t]+[^#\s]/m;
const isContent = (l: string): boolean => l.trim() !== '' && !l.trimStart().startsWith('#');

/** The same split, line by line: for CRLF text and `--- {inline: content}` documents. */
export function splitYamlDocumentsByLines(text: string): { line: number; text: string }[] {
  const lines = text.split(/\r?\n/);
  const docs: { line: number; text: string }[] = [];
  let start = 0;
  let buffer: string[] = [];
  const flush = (): void => {
    const first = buffer.findIndex(isContent);
    if (first !== -1) {
      // Report the line of the first content (after leading comments); parse from there too,
      // so parser line numbers stay relative to that line.
      docs.push({ line: start + first + 1, text: buffer.slice(first).join('\n') });
    }
    buffer = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const marker = DOCUMENT_MARKER.exec(line);
    if (marker) {
      flush();
      start = i;
      // `--- {inline: doc}` keeps content on the marker line.
      const rest = marker[1] === '---' ? line.slice(3).trim() : '';
      if (rest !== '' && !rest.startsWith('#')) buffer.push(`   ${line.slice(3)}`);
      else start = i + 1;
      continue;
    }
    if (buffer.length === 0) start = i;
    buffer.push(line);
  }
  flush();
  return docs;
}

function countAliases(text: string): number {
  // An alias is `*name` where a value starts; counting candidates over-approximates, which is
  // the safe direction for a limit.
  const matches = text.match(/(?:^|[\s[{,:-])\*[^\s,[\]{}]+/g);
  return matches ? matches.length : 0;
}

export interface ParsedDocuments {
  documents: RawDocument[];
  errors: DocumentError[];
}

/** A document's text as split from its file: its index there and the line its content starts on. */
export interface DocumentChunk {
  index: number;
  line: number;
  text: string;
}

export function parseYamlDocuments(text: string, filename: string): ParsedDocuments {
  return parseYamlChunks(
    splitYamlDocuments(text).map((chunk, index) => ({ index, ...chunk })),
    filename,
  );
}

/** Parses documents split from a file (all of them, or a run of them: see parse-pool.ts). */
export function parseYamlChunks(chunks: readonly DocumentChunk[], filename: string): ParsedDocuments {
  const documents: RawDocument[] = [];
  const errors: DocumentError[] = [];
  for (const { index, ...chunk } of chunks) {
    const aliases = chunk.text.includes('*') ? countAliases(chunk.text) : 0;
    if (aliases > MAX_ALIASES_PER_DOCUMENT) {
      errors.push({
        index,
        line: chunk.line,
        message: `document has ${aliases} YAML aliases (limit ${MAX_ALIASES_PER_DOCUMENT}); refusing a possible alias bomb`,
      });
      continue;
    }
    let value: unknown;
    try {
      value = loadYaml(withoutCrdSchemas(chunk.text), yamlOptions(filename));
    } catch (error) {
      if (!(error instanceof YAMLException)) throw error;
      // The chunk starts at the document's first line: its line 0 is `chunk.line` of the file.
      const line = chunk.line + (error.mark?.line ?? 0);
      errors.push({ index, line, message: describeYamlError(error, chunk.text) });
      continue;
    }
    if (value === undefined || value === null) continue;
    // Any `*` may be an alias the count above did not see: the walk is linear, so check them all.
    const expansion = chunk.text.includes('*') ? aliasExpansionProblem(value) : undefined;
    if (expansion) {
      errors.push({ index, line: chunk.line, message: expansion });
      continue;
    }
    documents.push({ index, line: chunk.line, value });
  }
  return { documents, errors };
}

const CRD_KIND = /^kind:[ \t]*["']?CustomResourceDefinition["']?[ \t]*(?:#.*)?$/m;
const SCHEMA_KEY = /^([ \t]*)openAPIV3Schema:[ \t]*(?:#.*)?$/;

/** Whether a document is a CustomResourceDefinition with a schema (mostly skipped: cheap to parse). */
export function hasCrdSchema(text: string): boolean {
  return text.includes('openAPIV3Schema') && CRD_KIND.test(text);
}

/**
 * A CustomResourceDefinition's `openAPIV3Schema` (often most of a CRD bundle's megabytes) is
 * read by no rule and no certificate check: its lines are blanked before parsing, which keeps
 * every line number. Only block-style schemas are recognised; anything else is parsed as is.
 */
export function withoutCrdSchemas(text: string): string {
  if (!hasCrdSchema(text)) return text;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const key = SCHEMA_KEY.exec(lines[i] as string);
    if (!key) continue;
    const indent = (key[1] as string).length;
    // The key stays (with an empty schema); its block, every deeper-indented line, goes.
    lines[i] = `${' '.repeat(indent)}openAPIV3Schema: {}`;
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j] as string;
      if (line.trim() === '') {
        lines[j] = '';
        continue;
      }
      const depth = line.length - line.trimStart().length;
      if (depth <= indent) break;
      lines[j] = '';
    }
    i = j - 1;
  }
  return lines.join('\n');
}

function describeYamlError(error: YAMLException, text: string): string {
  if (error.reason === 'duplicated mapping key') {
    // js-yaml puts the mark at the repeated key; quote it if it reads plainly.
    const at = error.mark?.position;
    const key =
      at === undefined
        ? undefined
        : /^(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\n]|'')*)'|([^\s:#'"][^:#\n]*?))\s*:/.exec(
            text.slice(at, at + 300),
          );
    const name = key ? (key[1] ?? key[2]?.replace(/''/g, "'") ?? key[3]) : undefined;
    return duplicateKeyMessage(name);
  }
  if (error.reason?.startsWith('nesting exceeded maxDepth')) {
    return `nesting deeper than ${MAX_NESTING_DEPTH} levels: a generated or hostile document, not a manifest`;
  }
  return `invalid YAML: ${error.reason}`;
}

/** Nodes that aliases may add to a document when expanded, beyond ten times its own. */
export const MAX_ALIAS_EXPANSION = 100_000;

/**
 * Why a parsed document's aliases make it unsafe to walk, if they do. js-yaml shares one object
 * for an anchor and its aliases, so an alias bomb costs nothing to parse; it is every later walk
 * (rules, reporters, the fixer's guard) that would expand it, or loop forever on a cycle
 * (`a: &a {b: *a}`). Counted without recursion over the distinct objects, memoised.
 */
export function aliasExpansionProblem(root: unknown): string | undefined {
  const shapes = new Map<object, { nodes: number; depth: number }>();
  const open = new Set<object>();
  const stack: { node: object; children: unknown[]; next: number }[] = [];
  const childrenOf = (node: object): unknown[] => (Array.isArray(node) ? node : Object.values(node));
  if (root === null || typeof root !== 'object') return undefined;
  stack.push({ node: root, children: childrenOf(root), next: 0 });
  open.add(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as (typeof stack)[number];
    if (frame.next < frame.children.length) {
      const child = frame.children[frame.next++];
      if (child === null || typeof child !== 'object' || shapes.has(child)) continue;
      if (open.has(child)) return 'YAML aliases make the document contain itself (a cycle); refusing it';
      open.add(child);
      stack.push({ node: child, children: childrenOf(child), next: 0 });
      continue;
    }
    let nodes = 1;
    let depth = 0;
    for (const child of frame.children) {
      const shape = child !== null && typeof child === 'object' ? shapes.get(child) : undefined;
      nodes += shape ? shape.nodes : 1;
      depth = Math.max(depth, shape ? shape.depth : 0);
    }
    shapes.set(frame.node, { nodes, depth: depth + 1 });
    open.delete(frame.node);
    stack.pop();
  }
  const shape = shapes.get(root) as { nodes: number; depth: number };
  let distinct = 0;
  for (const s of shapes.keys()) distinct += childrenOf(s).length + 1;
  if (shape.depth > MAX_NESTING_DEPTH)
    return `YAML aliases nest the document deeper than ${MAX_NESTING_DEPTH} levels; refusing it`;
  // Anchors for shared blocks (env, labels) repeat a few of them; a bomb multiplies them.
  if (shape.nodes - distinct > MAX_ALIAS_EXPANSION + 10 * distinct) {
    const expanded = shape.nodes < 1e12 ? shape.nodes.toLocaleString('en-US') : shape.nodes.toExponential(1);
    return `YAML aliases expand the document to ${expanded} nodes (it has ${distinct.toLocaleString('en-US')}); refusing a possible alias bomb`;
  }
  return undefined;
}
