/** The API an object was applied with, as opposed to the version a server prefers to answer in. */
import { asRecord } from './records.ts';
import type { KubeObject } from './resource.ts';

/**
 * The apiVersion and kind a user applies: the last-applied configuration when there is one; a
 * file's own; nothing for an object read from an API server without one (its apiVersion is the
 * one the server prefers, not the one applied).
 */
export function appliedApi(object: KubeObject): { apiVersion: string; kind: string } | undefined {
  const text = object.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
  if (text) {
    try {
      const applied = asRecord(JSON.parse(text));
      if (typeof applied?.apiVersion === 'string' && typeof applied.kind === 'string')
        return { apiVersion: applied.apiVersion, kind: applied.kind };
    } catch {
      // Not JSON: fall through to what the object says of itself.
    }
  }
  if (object.metadata.uid !== undefined || object.metadata.resourceVersion !== undefined) return undefined;
  return { apiVersion: object.apiVersion, kind: object.kind };
}
