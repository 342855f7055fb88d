/**
 * Values `serve` keeps between evaluations, made cheap to keep. Two things cost memory there
 * that cost nothing in a one-shot run:
 *
 * - A string built by concatenation (`a + b`, template literals, `join` of few parts) is kept by
 *   V8 as a tree of its parts, 32 bytes per join, until something reads it character by
 *   character; sentences assembled from a dozen parts keep a dozen cells and every part.
 * - A finding's path is its own array (`['spec', 'template', 'spec', 'containers', 0, 'image']`),
 *   although tens of thousands of findings name the same few hundred paths.
 */
import type { ObjectPath } from './finding.ts';

/** `text` as one flat string (a copy, so the parts it was built from can be collected). */
export function flatString(text: string): string {
  // Short strings are rarely trees, and a copy would cost as much as it saves.
  return text.length < 24 ? text : (JSON.parse(JSON.stringify(text)) as string);
}

const paths = new Map<string, ObjectPath>();
/** Distinct paths held at most; past it the table starts again (sharing is an optimisation). */
const MAX_PATHS = 50_000;
const freeze = process.env.HINDSIGHT_FREEZE_OBJECTS === '1';

/**
 * The one array for this path: equal paths become the same array. Shared arrays must not be
 * written; under HINDSIGHT_FREEZE_OBJECTS=1 (the test suite) they are frozen, so a write throws.
 */
export function sharedPath(path: ObjectPath): ObjectPath {
  const key = JSON.stringify(path);
  const known = paths.get(key);
  if (known) return known;
  if (paths.size >= MAX_PATHS) paths.clear();
  const kept = freeze ? (Object.freeze([...path]) as ObjectPath) : [...path];
  paths.set(key, kept);
  return kept;
}
