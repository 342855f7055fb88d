/**
 * Text of a value read from the user's input, for comparing and for messages. `String(value)` is
 * not safe on input: a mapping with a `toString` or `valueOf` key (`{toString: 1}`, found by
 * bench/fuzz.ts) cannot be converted and throws. Strings stay as they are, numbers and booleans
 * read as YAML prints them; mappings, lists and null have no text.
 */
export function inputText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      return undefined;
  }
}

/** The texts of a list's items, those without one left out; a non-list has none. */
export function inputTexts(values: unknown): string[] {
  if (!Array.isArray(values)) return [];
  const out: string[] = [];
  for (const v of values) {
    const text = inputText(v);
    if (text !== undefined) out.push(text);
  }
  return out;
}
