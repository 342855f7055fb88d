/**
 * Which team owns which namespaces, read from the Namespaces' labels: the ownership alert routing
 * is generated from. Pure: objects in, a sorted map out.
 */

import { compareText } from '../../core/compare-text.ts';
import type { KubeObject } from '../../core/resource.ts';

export interface TeamNamespaces {
  /** The label value, as written on the Namespace (label values are valid receiver-name text). */
  team: string;
  namespaces: string[];
}

export interface TeamOwnership {
  teams: TeamNamespaces[];
  /** Namespaces that carry none of the team labels: their alerts reach the catch-all receiver. */
  unowned: string[];
}

/** The first of `teamLabels` a Namespace carries names its team. */
export function teamsFromNamespaces(
  objects: readonly KubeObject[],
  teamLabels: readonly string[],
): TeamOwnership {
  const byTeam = new Map<string, Set<string>>();
  const unowned = new Set<string>();
  for (const object of objects) {
    if (object.kind !== 'Namespace' || object.apiVersion !== 'v1') continue;
    const name = object.metadata?.name;
    if (typeof name !== 'string' || name === '') continue;
    const labels = object.metadata?.labels ?? {};
    const key = teamLabels.find((k) => typeof labels[k] === 'string' && labels[k] !== '');
    const team = key === undefined ? undefined : labels[key];
    if (team === undefined) {
      unowned.add(name);
      continue;
    }
    const namespaces = byTeam.get(team) ?? new Set<string>();
    namespaces.add(name);
    byTeam.set(team, namespaces);
  }
  const teams = [...byTeam]
    .map(([team, namespaces]) => ({ team, namespaces: [...namespaces].sort() }))
    .sort((a, b) => compareText(a.team, b.team));
  return { teams, unowned: [...unowned].sort() };
}
