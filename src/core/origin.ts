/** Where an object came from, so findings can point into the user's own files. */
export interface Origin {
  /** File path as the user gave it (relative paths stay relative), `-` for stdin, or a cluster URL. */
  source: string;
  /** 0-based index of the YAML document (or List item) in the file. */
  document?: number;
  /** 1-based line of the document's first line, when the source is a text file. */
  line?: number;
  /**
   * The render that produced the object, when it is not a plain manifest: `helm template
   * charts/api -f charts/api/values-prod.yaml`, `kubectl kustomize deploy/overlays/prod`. `source`
   * then names the template or base resource file it came from, which `fix` does not edit.
   */
  rendered?: string;
  /**
   * The environment of a per-environment render (`--values-matrix`): the values file's base
   * name, `values-prod.yaml` → `prod`. Each environment is analysed as its own inventory.
   */
  environment?: string;
}

export function formatOrigin(origin: Origin): string {
  return origin.line === undefined ? origin.source : `${origin.source}:${origin.line}`;
}
