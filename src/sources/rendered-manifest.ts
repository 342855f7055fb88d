/**
 * The output of a render (`helm template`, `kubectl kustomize`) on its way to becoming objects:
 * the YAML stream the tool wrote, read by the same reader as files, and the way back from a
 * rendered object to the user's own file it came from.
 */

import type { Origin } from '../core/origin.ts';
import type { KubeObject } from '../core/resource.ts';

export interface RenderedManifest {
  /** Multi-document YAML as the tool wrote it. */
  text: string;
  /** The command as the user could run it themselves: `helm template api charts/api -f …`. */
  command: string;
  /** The chart or kustomization directory as the user named it. */
  input: string;
  /**
   * The origin of an object that starts at `line` of `text` (undefined for an item of a List).
   * May tidy the object in place: annotations the render added for hindsight are removed here.
   */
  place(object: KubeObject, line: number | undefined): Promise<Origin>;
  /** The user's file a line of `text` was rendered from, for errors in the output. */
  fileAt(line: number): string | undefined;
}
