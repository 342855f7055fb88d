/**
 * JSON read as strictly as the API server reads it: a duplicate key is an error naming its line
 * (JSON.parse lets the later one win silently), and nesting deeper than a manifest ever needs is
 * refused before parsing, so that nothing downstream recurses over a hostile document.
 *
 * Fast on the common case, a valid 150 MB `kubectl get -o json` snapshot: one pass over the text
 * counts the colons outside strings (one per key) and the bracket depth, and one pass over the
 * parsed tree counts its keys. Only when the counts differ — some key was merged away — does a
 * slow tokenizer look for the first duplicate and its line.
 */

/** Deepest nesting of mappings and lists read, in YAML and JSON alike. */
export const MAX_NESTING_DEPTH = 1000;

export type StrictJsonResult =
  | { ok: true; value: unknown }
  /** Not JSON at all: the caller may try YAML. */
  | { ok: false; syntax: true; message: string }
  /** JSON, but not acceptable: `line` is 1-based in `text`. */
  | { ok: false; syntax: false; line: number; message: string };

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;

/** Index of the quote closing the string that opens at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (end !== -1 && text.charCodeAt(end - 1) === BACKSLASH) {
    let backslashes = 0;
    for (let k = end - 1; text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) break;
    end = text.indexOf('"', end + 1);
  }
  return end;
}

/** Colons outside strings, and the first position where nesting goes deeper than `maxDepth`. */
function scanStructure(text: string, maxDepth: number): { colons: number; tooDeepAt: number } {
  let colons = 0;
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i);
      if (end === -1) break;
      i = end;
    } else if (c === COLON) colons++;
    else if (c === 123 || c === 91) {
      if (++depth > maxDepth) return { colons, tooDeepAt: i };
    } else if (c === 125 || c === 93) depth--;
  }
  return { colons, tooDeepAt: -1 };
}

/** Keys of every object in a parsed JSON tree, without recursion. */
function countKeys(root: unknown): number {
  let keys = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        if (item !== null && typeof item === 'object') stack.push(item);
      }
      continue;
    }
    for (const key in value) {
      keys++;
      const item = (value as Record<string, unknown>)[key];
      if (item !== null && typeof item === 'object') stack.push(item);
    }
  }
  return keys;
}

/** 1-based line of `offset` in `text`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * The first key repeated in one object of valid JSON `text`, with the line of its repetition.
 * Slow (a set per open object), so only run when a duplicate is known to exist.
 */
export function findDuplicateKey(text: string): { key: string; line: number } | undefined {
  // One frame per open container: the keys seen for an object, undefined for an array.
  const frames: Array<Set<string> | undefined> = [];
  let expectKey = false;
  let line = 1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    else if (c === 123) {
      frames.push(new Set());
      expectKey = true;
    } else if (c === 91) {
      frames.push(undefined);
      expectKey = false;
    } else if (c === 125 || c === 93) {
      frames.pop();
      expectKey = false;
    } else if (c === 44) {
      expectKey = frames[frames.length - 1] !== undefined;
    } else if (c === COLON) {
      expectKey = false;
    } else if (c === QUOTE) {
      const end = closingQuote(text, i);
      if (end === -1) return undefined;
      const keys = frames[frames.length - 1];
      if (expectKey && keys !== undefined) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return { key, line };
        keys.add(key);
      }
      // A JSON string holds no raw newline, so the line count stays right.
      i = end;
    }
  }
  return undefined;
}

/** Parses JSON `text`, refusing duplicate keys and nesting deeper than `maxDepth`. */
export function parseStrictJson(text: string, maxDepth = MAX_NESTING_DEPTH): StrictJsonResult {
  const structure = scanStructure(text, maxDepth);
  if (structure.tooDeepAt !== -1) {
    return {
      ok: false,
      syntax: false,
      line: lineAt(text, structure.tooDeepAt),
      message: `nesting deeper than ${maxDepth} levels: a generated or hostile document, not a manifest`,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, syntax: true, message: (error as Error).message };
  }
  if (countKeys(value) !== structure.colons) {
    const duplicate = findDuplicateKey(text);
    if (duplicate) {
      return {
        ok: false,
        syntax: false,
        line: duplicate.line,
        message: duplicateKeyMessage(duplicate.key),
      };
    }
  }
  return { ok: true, value };
}

/** The message for a repeated key, in YAML and JSON alike. */
export function duplicateKeyMessage(key: string | undefined): string {
  return `duplicate key${key === undefined ? '' : ` ${JSON.stringify(key)}`} (kubectl apply refuses duplicate fields; other tools silently keep the last)`;
}
