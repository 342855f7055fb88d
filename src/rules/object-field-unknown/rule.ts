import type { ObjectPath } from '../../core/finding.ts';
import { asRecord } from '../../core/records.ts';
import { KIND_MODELS, KUBE_SCHEMA_SOURCE, MODELS } from '../../data/kube-schema.ts';
import { defineRule } from '../define-rule.ts';

/** Findings per object at most: a document of the wrong kind would otherwise flood the report. */
const MAX_PER_OBJECT = 20;

/** Edit distance (insert, delete, substitute, swap of neighbours), capped at `limit + 1`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const previous = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** The field of the model a misspelling most likely meant, if one is close enough. */
export function likelyField(key: string, fields: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const exact = fields.find((f) => f.toLowerCase() === lower);
  if (exact) return exact;
  const limit = Math.max(2, Math.floor(key.length / 5));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const f of fields) {
    const d = distance(lower, f.toLowerCase(), limit);
    if (d < bestDistance) {
      best = f;
      bestDistance = d;
    }
  }
  return best;
}

function modelName(name: string): string {
  return name.replace(/^V\d+(?:(?:alpha|beta)\d+)?/, '');
}

export default defineRule({
  id: 'object-field-unknown',
  category: 'operations',
  severity: 'high',
  lesson: 'gitops',
  title: 'Fields the Kubernetes API does not know are rejected or silently dropped',
  appliesTo: [...new Set(Object.keys(KIND_MODELS).map((k) => k.slice(k.lastIndexOf('/') + 1)))],
  messages: {
    unknown: `{field} is not a field of {model} ({source}): the API server rejects the object under strict field validation (kubectl apply's default, server-side apply, Flux) and drops the field otherwise, so the setting never takes effect{suggestion}`,
  },
  check(entry, ctx) {
    // Objects read from a cluster were accepted by its API server, which may be newer.
    const metadata = entry.object.metadata;
    if (metadata.uid !== undefined || metadata.resourceVersion !== undefined) return;
    const model = KIND_MODELS[`${entry.object.apiVersion}/${entry.object.kind}`];
    if (!model) return;
    let reported = 0;
    const walk = (value: unknown, type: string, path: ObjectPath): void => {
      const fields = MODELS[type];
      const object = asRecord(value);
      if (!fields || !object) return;
      for (const [key, child] of Object.entries(object)) {
        if (reported >= MAX_PER_OBJECT) return;
        // Live state and server bookkeeping are not the author's.
        if (path.length === 0 && key === 'status') continue;
        const field = fields[key];
        if (field === undefined) {
          const near = likelyField(key, Object.keys(fields));
          reported++;
          ctx.report({
            messageId: 'unknown',
            data: {
              field: [...path, key].join('.'),
              model: modelName(type),
              source: KUBE_SCHEMA_SOURCE,
              suggestion: near ? `; did you mean ${near}?` : '',
            },
            path: [...path, key],
          });
          continue;
        }
        if (field === 0) continue;
        const list = /^\[(\w+)\]$/.exec(field);
        const map = /^\{(\w+)\}$/.exec(field);
        if (list?.[1]) {
          if (Array.isArray(child))
            for (const [i, item] of child.entries()) walk(item, list[1] as string, [...path, key, i]);
        } else if (map?.[1]) {
          for (const [k, v] of Object.entries(asRecord(child) ?? {})) walk(v, map[1], [...path, key, k]);
        } else {
          walk(child, field, [...path, key]);
        }
      }
    };
    walk(entry.object, model, []);
  },
});
