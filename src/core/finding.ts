/**
 * A finding: one problem with one object, found by one rule. Findings are data; reporters turn
 * them into text, SARIF, JUnit and the rest, and fixes turn their edits into file changes.
 */

import type { Origin } from './origin.ts';
import type { ResourceRef } from './resource.ts';
import type { Severity } from './severity.ts';

export const CATEGORIES = [
  'security',
  'reliability',
  'autoscaling',
  'spot',
  'operations',
  'upgrades',
  'certificates',
  'cost',
  'alerting',
  'observability',
  'internal',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** A path into an object: keys and array indices, e.g. ['spec','template','spec','containers',0,'image']. */
export type ObjectPath = (string | number)[];

/** One edit of the object the finding is about; the fixer applies it to the user's file. */
export type Edit =
  | { op: 'set'; path: ObjectPath; value: unknown }
  | { op: 'remove'; path: ObjectPath }
  /** Add to a list unless an equal item is already there. */
  | { op: 'add-to-list'; path: ObjectPath; value: unknown };

export interface Fix {
  description: string;
  edits: Edit[];
  /**
   * New objects the fix needs beside the edited one, added to the same file as documents of
   * their own (the PodDisruptionBudget that a second replica calls for).
   */
  companions?: Record<string, unknown>[];
}

export interface Exemption {
  reason: string;
  expires?: string;
  /** Where it came from: an annotation on the object, or the config file. */
  source: 'annotation' | 'config';
}

export interface Finding {
  ruleId: string;
  /** Which of the rule's messages this is: stable across wording changes. */
  messageId?: string;
  category: Category;
  severity: Severity;
  ref: ResourceRef;
  origin?: Origin;
  /** Where in the object the problem is. */
  path?: ObjectPath;
  container?: string;
  message: string;
  fix?: Fix;
  /** Why no fix is offered although the problem has one: what a human must decide first. */
  manual?: string;
  exemption?: Exemption;
  /**
   * For objects rendered once per environment (`--values-matrix`): the environments whose
   * render has this finding, and those whose render does not (empty when it is in all).
   */
  environments?: { in: string[]; notIn: string[] };
}

/** `in prod, staging; not in dev`, or undefined when the finding is in every environment. */
export function environmentPresence(finding: Finding): string | undefined {
  const e = finding.environments;
  if (!e || e.notIn.length === 0) return undefined;
  return `in ${e.in.join(', ')}; not in ${e.notIn.join(', ')}`;
}

/** `spec.template.spec.containers[0].image` */
export function formatPath(path: ObjectPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}
