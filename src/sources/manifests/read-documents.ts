/**
 * Splitting a YAML stream into documents with their starting lines, and parsing each one. The
 * fast js-yaml parser reads; comment-preserving editing of the user's files is the fixer's job.
 */
import { CORE_SCHEMA, load as loadYaml, YAMLException } from 'js-yaml';

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

const DOCUMENT_MARKER = /^(---|\.\.\.)(?:[ \t].*)?$/;

/**
 * Splits on `---` and `...` markers at column 0 (YAML ends block scalars there too, so a marker
 * can never be inside a document's content).
 */
export function splitYamlDocuments(text: string): { line: number; text: string }[] {
  const lines = text.split(/\r?\n/);
  const docs: { line: number; text: string }[] = [];
  let start = 0;
  let buffer: string[] = [];
  const isContent = (l: string): boolean => l.trim() !== '' && !l.trimStart().startsWith('#');
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

export function parseYamlDocuments(
  text: string,
  filename: string,
): { documents: RawDocument[]; errors: DocumentError[] } {
  const documents: RawDocument[] = [];
  const errors: DocumentError[] = [];
  splitYamlDocuments(text).forEach((chunk, index) => {
    const aliases = countAliases(chunk.text);
    if (aliases > MAX_ALIASES_PER_DOCUMENT) {
      errors.push({
        index,
        line: chunk.line,
        message: `document has ${aliases} YAML aliases (limit ${MAX_ALIASES_PER_DOCUMENT}); refusing a possible alias bomb`,
      });
      return;
    }
    try {
      // The chunk starts at its own line 1: pad so js-yaml reports file lines.
      const value = loadYaml(chunk.text, { filename, json: true, schema: CORE_SCHEMA });
      if (value !== undefined && value !== null) documents.push({ index, line: chunk.line, value });
    } catch (error) {
      if (error instanceof YAMLException) {
        const line = chunk.line + (error.mark?.line ?? 0);
        errors.push({ index, line, message: `invalid YAML: ${error.reason}` });
      } else {
        throw error;
      }
    }
  });
  return { documents, errors };
}
