/**
 * `hindsight fix`: turns findings' edits into changes of the user's own YAML files. Only
 * documents that change are re-serialised (untouched documents keep every byte); the result is
 * re-read and must equal the original objects with exactly the intended edits, or the file is
 * left alone. Files are written through safe-write.ts (atomic, mode, owner, links, and a file
 * changed since it was read is left alone); a byte-order mark and CRLF line endings are kept.
 */
import { readFile } from 'node:fs/promises';
import { createTwoFilesPatch } from 'diff';
import { loadAll } from 'js-yaml';
import { type Document, LineCounter, type Node, parseAllDocuments, stringify } from 'yaml';
import { OutputError } from '../core/errors.ts';
import type { Edit, Finding } from '../core/finding.ts';
import { pushTo } from '../core/records.ts';
import { getAt } from '../core/workload.ts';
import { describeFsError } from '../sources/fs-errors.ts';
import { applyToDocument, applyToObject, pathIsEditable } from './apply-edits.ts';
import { writeFileSafely } from './safe-write.ts';
import { patchDocumentText } from './text-patch.ts';

export interface FileFix {
  file: string;
  applied: Finding[];
  skipped: { finding: Finding; reason: string }[];
  diff?: string;
  /** Why the whole file was left alone, if it was. */
  refused?: string;
  /** The file's text after the fixes (LF line endings, no byte-order mark), when it changes. */
  text?: string;
}

/** Sequences indented under their key (`key:\n  - a`) or not (`key:\n- a`), as the file does it. */
function detectIndentSeq(text: string): boolean {
  const lines = text.split('\n');
  let indented = 0;
  let flush = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    const key = /^( *)[^\s#-][^#]*:\s*$/.exec(lines[i] as string);
    const dash = /^( *)- /.exec(lines[i + 1] as string);
    if (!key || !dash) continue;
    if ((dash[1] as string).length > (key[1] as string).length) indented++;
    else if ((dash[1] as string).length === (key[1] as string).length) flush++;
  }
  return indented >= flush;
}

export async function fixFile(
  file: string,
  findings: readonly Finding[],
  options: { dryRun: boolean; force?: boolean },
): Promise<FileFix> {
  const result: FileFix = { file, applied: [], skipped: [] };
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (error) {
    return { ...result, refused: `cannot read: ${describeFsError(error)}` };
  }
  // Edit the text without its byte-order mark and with LF line endings; both come back on write.
  let original = raw.toString('utf8');
  const bom = original.startsWith('\uFEFF');
  if (bom) original = original.slice(1);
  const crlf = original.includes('\r\n');
  if (crlf) {
    if (/(^|[^\r])\n/.test(original)) {
      return { ...result, refused: 'the file mixes CRLF and LF line endings; it is left untouched' };
    }
    original = original.replace(/\r\n/g, '\n');
  }
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(original, { lineCounter, uniqueKeys: false });
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) {
    return { ...result, refused: 'the file does not parse as YAML cleanly; it is left untouched' };
  }
  let originalObjects: unknown[];
  try {
    originalObjects = docs.map((d) => d.toJSON() as unknown);
  } catch (error) {
    // Alias expansion past the parser's safety limit, or an alias to no anchor.
    const why = error instanceof Error ? error.message : String(error);
    return {
      ...result,
      refused: `the file's YAML aliases cannot be expanded safely (${why}); it is left untouched`,
    };
  }
  const expected = [...originalObjects];
  const changed = new Set<number>();
  const editsByDocument = new Map<number, Edit[]>();

  for (const finding of findings) {
    const edits = finding.fix?.edits ?? [];
    const index = docs.findIndex((d) => {
      const contents = d.contents as Node | null;
      return contents?.range != null && lineCounter.linePos(contents.range[0]).line === finding.origin?.line;
    });
    const doc = docs[index] as Document | undefined;
    if (!doc) {
      result.skipped.push({ finding, reason: 'its document could not be found in the file' });
      continue;
    }
    const flipped = edits.find(
      (e) => e.op === 'set' && typeof e.value === 'boolean' && getAt(expected[index], e.path) === !e.value,
    );
    if (flipped) {
      // An explicit boolean is the author's decision: reported, never flipped.
      result.skipped.push({
        finding,
        reason: `${flipped.path.join('.')} is set explicitly to ${String(!(flipped as { value: boolean }).value)}: a decision to review, not to flip`,
      });
      continue;
    }
    if (!edits.every((e) => pathIsEditable(doc, e.path))) {
      result.skipped.push({ finding, reason: 'a field on the path is not a mapping or list' });
      continue;
    }
    applyToDocument(doc, edits);
    expected[index] = applyToObject(expected[index], edits);
    changed.add(index);
    pushTo(editsByDocument, index, ...edits);
    result.applied.push(finding);
  }
  if (changed.size === 0) return result;

  const indentSeq = detectIndentSeq(original);
  let next = '';
  docs.forEach((doc, i) => {
    const start = i === 0 ? 0 : (doc.range[0] as number);
    const end = docs[i + 1]?.range?.[0] ?? original.length;
    if (!changed.has(i)) {
      next += original.slice(start, end);
      return;
    }
    // Only the lines the edits must change; where an edit cannot be placed as text, the
    // document is written again from its model (the guard below checks both ways).
    const patched = patchDocumentText(original.slice(start, end), editsByDocument.get(i) ?? [], indentSeq);
    if (patched !== undefined) {
      next += patched;
      return;
    }
    const trailing = original.slice(doc.range[2] as number, end);
    next +=
      doc.toString({ indentSeq, lineWidth: 0, flowCollectionPadding: false }) + trailing.replace(/^\n/, '');
  });
  // New objects a fix brings along go at the end, one document each, once.
  for (const companion of companionsOf(result.applied, originalObjects)) {
    if (!next.endsWith('\n')) next += '\n';
    next += `---\n${stringify(companion, { indentSeq, lineWidth: 0 })}`;
    expected.push(companion);
  }

  // The guard: the new text must read as the expected objects, document for document.
  let reread: unknown[];
  try {
    reread = loadAll(next).filter((d) => d !== null && d !== undefined);
  } catch (error) {
    return {
      ...result,
      applied: [],
      refused: `the edited file would not parse (${(error as Error).message}); left untouched`,
    };
  }
  const want = expected.filter((d) => d !== null && d !== undefined);
  if (JSON.stringify(reread) !== JSON.stringify(want)) {
    return {
      ...result,
      applied: [],
      refused: 'the edited file would not read back as intended; left untouched',
    };
  }

  result.diff = createTwoFilesPatch(file, file, original, next, '', '', { context: 3 });
  result.text = next;
  if (!options.dryRun) {
    const bytes = `${bom ? '\uFEFF' : ''}${crlf ? next.replace(/\n/g, '\r\n') : next}`;
    try {
      // Refused when the file changed since it was read above: an edit made meanwhile is kept.
      await writeFileSafely(file, bytes, { expected: raw, ...(options.force ? { force: true } : {}) });
    } catch (error) {
      if (!(error instanceof OutputError)) throw error;
      return { ...result, applied: [], refused: error.message };
    }
  }
  return result;
}

/** The companions of the applied fixes, without duplicates and without objects the file already has. */
function companionsOf(applied: readonly Finding[], existing: readonly unknown[]): Record<string, unknown>[] {
  const identity = (o: unknown): string => {
    const r = (o ?? {}) as {
      apiVersion?: unknown;
      kind?: unknown;
      metadata?: { name?: unknown; namespace?: unknown };
    };
    return `${String(r.kind)}/${String(r.metadata?.namespace ?? '')}/${String(r.metadata?.name)}`;
  };
  const seen = new Set(existing.map(identity));
  const out: Record<string, unknown>[] = [];
  for (const finding of applied) {
    for (const companion of finding.fix?.companions ?? []) {
      const id = identity(companion);
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(companion);
    }
  }
  return out;
}
