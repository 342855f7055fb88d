/**
 * The order namespaces move in: what is depended on first (Tarjan's strongly connected components
 * put namespaces that call each other into one step, moved together), and among those free to go,
 * stateless before stateful (a stateless namespace is cheap to move back), then by name.
 */

export interface OrderInput {
  namespaces: readonly string[];
  /** [from, on]: `from` needs `on` first. */
  edges: readonly (readonly [string, string])[];
  stateful: ReadonlySet<string>;
}

/** Steps (from 1), each one namespace or a group that must move together. */
export function migrationOrder(input: OrderInput): string[][] {
  const components = stronglyConnected(input.namespaces, input.edges);
  const componentOf = new Map<string, number>();
  components.forEach((c, i) => {
    for (const ns of c) componentOf.set(ns, i);
  });
  const needs = components.map(() => new Set<number>());
  for (const [from, on] of input.edges) {
    const a = componentOf.get(from);
    const b = componentOf.get(on);
    if (a !== undefined && b !== undefined && a !== b) needs[a]?.add(b);
  }
  const isStateful = (i: number) => (components[i] ?? []).some((ns) => input.stateful.has(ns));
  const key = (i: number) => `${isStateful(i) ? 1 : 0}:${(components[i] ?? []).join(',')}`;
  const done = new Set<number>();
  const steps: string[][] = [];
  while (done.size < components.length) {
    const ready = components
      .map((_, i) => i)
      .filter((i) => !done.has(i) && [...(needs[i] ?? [])].every((n) => done.has(n)))
      .sort((a, b) => key(a).localeCompare(key(b)));
    const next = ready[0];
    if (next === undefined) break; // unreachable: the component graph has no cycles
    done.add(next);
    steps.push(components[next] ?? []);
  }
  return steps;
}

/** Tarjan's algorithm; each component sorted by name. */
function stronglyConnected(
  nodes: readonly string[],
  edges: readonly (readonly [string, string])[],
): string[][] {
  const next = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const [from, on] of edges) next.get(from)?.push(on);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
        onStack.delete(w);
        component.push(w);
        if (w === v) break;
      }
      out.push(component.sort());
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return out;
}
