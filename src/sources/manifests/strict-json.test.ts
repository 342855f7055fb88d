import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findDuplicateKey, lineAt, MAX_NESTING_DEPTH, parseStrictJson } from './strict-json.ts';

test('valid JSON parses as JSON.parse would', () => {
  const text = '{"apiVersion":"v1","items":[{"a":1},{"a":2}],"__proto__":{"x":1}}';
  const result = parseStrictJson(text);
  assert.ok(result.ok);
  assert.deepEqual(result.value, JSON.parse(text));
});

test('a duplicate key is an error with the line of the repetition, at any depth', () => {
  const cases: [string, string, number][] = [
    // key repeated at the top
    ['{"a": 1,\n "a": 2}', 'a', 2],
    // nested in a list item, after other objects with the same keys (not duplicates)
    ['{"items": [\n{"name": "x"},\n{"name": "y",\n"kind": "Pod",\n"name": "z"}]}', 'name', 5],
    // escapes decoded: "\u0061" is "a"
    ['{"a": 1, "\\u0061": 2}', 'a', 1],
  ];
  for (const [text, key, line] of cases) {
    const result = parseStrictJson(text);
    assert.ok(!result.ok && !result.syntax, text);
    assert.equal(result.line, line, text);
    assert.match(
      result.message,
      new RegExp(`^duplicate key "${key}" \\(kubectl apply refuses duplicate fields`),
    );
  }
});

test('colons, braces and quotes inside strings are not structure', () => {
  const text = JSON.stringify({
    image: 'nginx:1.0',
    at: '2026-11-01T10:00:00Z',
    json: '{"a": [1, {"b": "c"}]}',
    quote: 'say "hi": \\',
    nested: { 'k:ey': 'v' },
  });
  const result = parseStrictJson(text);
  assert.ok(result.ok);
  assert.equal(findDuplicateKey(text), undefined);
});

test('nesting deeper than the limit is refused before parsing, with its line', () => {
  const ok = `${'['.repeat(MAX_NESTING_DEPTH)}${']'.repeat(MAX_NESTING_DEPTH)}`;
  assert.ok(parseStrictJson(ok).ok);
  const deep = `{\n"a":\n${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  const result = parseStrictJson(deep);
  assert.ok(!result.ok && !result.syntax);
  assert.equal(result.line, 3);
  assert.match(result.message, /^nesting deeper than 1000 levels/);
});

test('text that is not JSON is a syntax result, for the caller to try YAML', () => {
  const result = parseStrictJson('{a: 1}');
  assert.ok(!result.ok && result.syntax);
});

test('lineAt counts lines up to an offset', () => {
  assert.equal(lineAt('a\nb\nc', 0), 1);
  assert.equal(lineAt('a\nb\nc', 2), 2);
  assert.equal(lineAt('a\nb\nc', 4), 3);
});
