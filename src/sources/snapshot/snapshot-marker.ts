/**
 * A snapshot says inside itself whether it is whole. `hindsight snapshot` writes, in the List's
 * metadata, whether every kind was read, how many objects it holds, when and from where it was
 * taken, and what could not be read; a scan or cost run of the file is then partial (exit 3)
 * exactly when the snapshot was, and a file that lost objects after it was written (truncated,
 * edited) is said to be incomplete rather than read as the whole cluster.
 */

const PREFIX = 'snapshot.hindsight.dev/';
export const SNAPSHOT_COMPLETE = `${PREFIX}complete`;
export const SNAPSHOT_OBJECTS = `${PREFIX}objects`;
export const SNAPSHOT_TAKEN_AT = `${PREFIX}taken-at`;
export const SNAPSHOT_SOURCE = `${PREFIX}source`;
export const SNAPSHOT_ERRORS = `${PREFIX}errors`;
export const SNAPSHOT_SERVER_VERSION = `${PREFIX}server-version`;

export interface SnapshotFacts {
  objects: number;
  takenAt: Date;
  source: string;
  /** What could not be read, one line each; empty for a complete snapshot. */
  errors: readonly string[];
  /** The API server's version (`v1.35.4`), when it said. */
  serverVersion?: string;
}

/** The List metadata that records `facts`. */
export function snapshotMetadata(facts: SnapshotFacts): { annotations: Record<string, string> } {
  const annotations: Record<string, string> = {
    [SNAPSHOT_COMPLETE]: facts.errors.length === 0 ? 'true' : 'false',
    [SNAPSHOT_OBJECTS]: String(facts.objects),
    [SNAPSHOT_TAKEN_AT]: facts.takenAt.toISOString(),
    [SNAPSHOT_SOURCE]: facts.source,
  };
  if (facts.serverVersion) annotations[SNAPSHOT_SERVER_VERSION] = facts.serverVersion;
  if (facts.errors.length > 0) annotations[SNAPSHOT_ERRORS] = JSON.stringify(facts.errors);
  return { annotations };
}

/**
 * Why the List `record` (with `items` read) is not a whole snapshot, or undefined when it is one
 * or carries no snapshot record (a `kubectl get -o json` List says nothing either way).
 */
export function snapshotProblem(record: Record<string, unknown>, items: number): string | undefined {
  const metadata = record.metadata;
  if (metadata === null || typeof metadata !== 'object') return undefined;
  const annotations = (metadata as { annotations?: unknown }).annotations;
  if (annotations === null || typeof annotations !== 'object') return undefined;
  const a = annotations as Record<string, unknown>;
  if (a[SNAPSHOT_COMPLETE] === undefined) return undefined;
  const taken = typeof a[SNAPSHOT_TAKEN_AT] === 'string' ? ` (taken ${a[SNAPSHOT_TAKEN_AT]})` : '';
  if (a[SNAPSHOT_COMPLETE] !== 'true') {
    let reasons: string[] = [];
    try {
      const parsed = JSON.parse(String(a[SNAPSHOT_ERRORS] ?? '[]')) as unknown;
      if (Array.isArray(parsed)) reasons = parsed.map(String);
    } catch {
      // An unreadable reason list still marks the snapshot partial.
    }
    return `partial snapshot${taken}: results from it are partial too${reasons.length > 0 ? `; when it was taken: ${reasons.slice(0, 3).join('; ')}${reasons.length > 3 ? `; and ${reasons.length - 3} more` : ''}` : ''}`;
  }
  const declared = Number(a[SNAPSHOT_OBJECTS]);
  if (Number.isInteger(declared) && declared !== items) {
    return `snapshot${taken} was written with ${declared} objects but holds ${items}: the file was cut short or edited; results are partial`;
  }
  return undefined;
}

/**
 * The server version a snapshot file records, read from its head (the List's metadata comes
 * before its items), without parsing the whole file.
 */
export function snapshotServerVersion(head: string): string | undefined {
  const key = SNAPSHOT_SERVER_VERSION.replaceAll('.', '\\.').replaceAll('/', '\\/');
  return new RegExp(`"${key}"\\s*:\\s*"(v?\\d+\\.\\d+[^"]{0,40})"`).exec(head)?.[1];
}
