/** Where an object came from, so findings can point into the user's own files. */
export interface Origin {
  /** File path as the user gave it (relative paths stay relative), `-` for stdin, or a cluster URL. */
  source: string;
  /** 0-based index of the YAML document (or List item) in the file. */
  document?: number;
  /** 1-based line of the document's first line, when the source is a text file. */
  line?: number;
}

export function formatOrigin(origin: Origin): string {
  return origin.line === undefined ? origin.source : `${origin.source}:${origin.line}`;
}
