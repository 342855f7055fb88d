import { formatPath, type ObjectPath } from '../../core/finding.ts';
import { asRecord } from '../../core/records.ts';
import { compareMinor, parseMinor } from '../../data/deprecated-apis.ts';
import { KIND_MODELS, KUBE_SCHEMA_SOURCE, MODELS } from '../../data/kube-schema.ts';
import { ABSENT_UNTIL } from '../../data/kube-schema-history.ts';
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

type FieldShape = { shape: 'value' } | { shape: 'model' | 'list' | 'map'; model: string };
const shapes = new Map<string, Map<string, FieldShape> | undefined>();

/** A model's fields, decoded once from the generated schema. */
function shapesOf(model: string): Map<string, FieldShape> | undefined {
  if (shapes.has(model)) return shapes.get(model);
  const fields = MODELS[model];
  const decoded = fields
    ? new Map(
        Object.entries(fields).map(([name, t]): [string, FieldShape] => {
          if (t === 0) return [name, { shape: 'value' }];
          if (t.startsWith('[')) return [name, { shape: 'list', model: t.slice(1, -1) }];
          if (t.startsWith('{')) return [name, { shape: 'map', model: t.slice(1, -1) }];
          return [name, { shape: 'model', model: t }];
        }),
      )
    : undefined;
  shapes.set(model, decoded);
  return decoded;
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
    tooNew:
      '{field} is not a field of {model} in Kubernetes {target} (--target-version){later}: that API server rejects the object under strict field validation and drops the field otherwise, so the setting never takes effect until the cluster is upgraded',
  },
  check(entry, ctx) {
    // Objects read from a cluster were accepted by its API server, which may be newer.
    const metadata = entry.object.metadata;
    if (metadata.uid !== undefined || metadata.resourceVersion !== undefined) return;
    const model = KIND_MODELS[`${entry.object.apiVersion}/${entry.object.kind}`];
    if (!model) return;
    // With --target-version, fields newer than that release are unknown to its API server.
    const target = ctx.targetVersion && parseMinor(ctx.targetVersion) ? ctx.targetVersion : undefined;
    let reported = 0;
    // One path, pushed and popped as the walk goes: copied only when a finding needs it.
    const path: ObjectPath = [];
    const walk = (value: unknown, type: string): void => {
      const fields = shapesOf(type);
      const object = asRecord(value);
      if (!fields || !object) return;
      for (const key in object) {
        if (reported >= MAX_PER_OBJECT) return;
        // Live state and server bookkeeping are not the author's.
        if (path.length === 0 && key === 'status') continue;
        const field = fields.get(key);
        if (field === undefined) {
          const near = likelyField(key, [...fields.keys()]);
          reported++;
          ctx.report({
            messageId: 'unknown',
            data: {
              field: formatPath([...path, key]),
              model: modelName(type),
              source: KUBE_SCHEMA_SOURCE,
              suggestion: near ? `; did you mean ${near}?` : '',
            },
            path: [...path, key],
          });
          continue;
        }
        const absentUntil = target ? ABSENT_UNTIL[type]?.[key] : undefined;
        if (target && absentUntil && compareMinor(target, absentUntil) <= 0) {
          reported++;
          ctx.report({
            messageId: 'tooNew',
            data: {
              field: formatPath([...path, key]),
              model: modelName(type),
              target,
              // The newest release read that lacks it, when it is newer than the target.
              later: absentUntil === target ? '' : `, nor in ${absentUntil}`,
            },
            path: [...path, key],
          });
          continue;
        }
        if (field.shape === 'value') continue;
        const child = object[key];
        path.push(key);
        if (field.shape === 'list') {
          if (Array.isArray(child))
            for (let i = 0; i < child.length; i++) {
              path.push(i);
              walk(child[i], field.model);
              path.pop();
            }
        } else if (field.shape === 'map') {
          const map = asRecord(child);
          if (map)
            for (const k in map) {
              path.push(k);
              walk(map[k], field.model);
              path.pop();
            }
        } else {
          walk(child, field.model);
        }
        path.pop();
      }
    };
    walk(entry.object, model);
  },
});
