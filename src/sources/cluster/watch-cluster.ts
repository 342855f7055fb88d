/**
 * The cluster kept current: for every kind the live scan reads, a reflector lists it (paged, as
 * `scan` does), then watches from the list's resourceVersion with bookmarks; a `410 Gone` (the
 * watch fell behind etcd's compaction) lists again, any other failure waits with exponential
 * backoff and jitter and resumes from the last resourceVersion seen. Objects are redacted as
 * they arrive, exactly as in `scan`; Secrets and ConfigMaps are watched as metadata only. What
 * each object repeats of the version it replaces (or of its siblings) is kept once
 * (`StructureSharer`): kept objects are shared and must never be written.
 *
 * The same raw JSON paths and the same bounded client as the live scan (ADR 0012): one code
 * path for what an object looks like, whether hindsight read it once or keeps it.
 */
import type { KubeObject } from '../../core/resource.ts';
import { redactObject } from '../redact-object.ts';
import { ClusterClient } from './api-client.ts';
import type { ClusterClientOptions } from './client-options.ts';
import { type ClusterAccess, loadClusterAccess, loadClusterAccessIsolated } from './cluster-access.ts';
import { CLUSTER_KINDS, discover, getJson, METADATA_ONLY, type Resource } from './load-cluster.ts';
import { StructureSharer } from './share-structure.ts';

export interface WatchOptions {
  env: NodeJS.ProcessEnv;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  kinds?: readonly [string, string][];
  client?: ClusterClientOptions;
  /** The kubeconfig already resolved; else read from `kubeconfig`/`context` when the watch starts. */
  access?: ClusterAccess;
  /** Read the kubeconfig in a child process, so that this one never loads client-node (ADR 0025). */
  isolateKubeconfig?: boolean;
  /** The server closes each watch after this long; it is then resumed (default 300 s). */
  watchSeconds?: number;
  /** A watch that sends nothing (no event, no bookmark) for this long is restarted (default 120 s). */
  idleMs?: number;
  /** Backoff after a failure: from `minBackoffMs` doubling to `maxBackoffMs` (defaults 500 ms, 30 s). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  pageSize?: number;
  /** Freeze every kept object, so that a write to one throws (default: HINDSIGHT_FREEZE_OBJECTS=1 in the process's environment). */
  freezeObjects?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchListener {
  /**
   * An object changed; `before` is the version it replaced (for MODIFIED and DELETED, when the
   * store held one); `at` is when the event was received (for change-to-result latency).
   */
  onChange?: (type: WatchEventType, object: KubeObject, at: number, before?: KubeObject) => void;
  /** A kind was listed (again, after a 410): the store holds it whole. */
  onSynced?: (kind: string) => void;
  onError?: (kind: string, message: string) => void;
  onRelist?: (kind: string) => void;
}

class ForbiddenError extends Error {}

interface WatchEvent {
  type: string;
  object: Record<string, unknown>;
}

/** Counters of what the watches did, for the exporter. */
export interface WatchStats {
  events: Map<string, number>;
  errors: Map<string, number>;
  relists: Map<string, number>;
}

export class ClusterWatch {
  /** `context (server)`, once started. */
  source = '';
  /** The kubeconfig's context as resolved, once started (for the other reads of the same cluster). */
  access: ClusterAccess | undefined;
  private connected: ClusterClient | undefined;
  /** `apiVersion/kind` → uid (or namespace/name) → object. */
  private readonly stores = new Map<string, Map<string, KubeObject>>();
  private readonly controller = new AbortController();
  private readonly synced = new Set<string>();
  /** Kinds the credentials may not list: the results are partial without them. */
  readonly forbidden = new Set<string>();
  private resources: Resource[] = [];
  readonly stats: WatchStats = { events: new Map(), errors: new Map(), relists: new Map() };
  private readonly sharer: StructureSharer;

  private readonly options: WatchOptions;
  private readonly listener: WatchListener;

  constructor(options: WatchOptions, listener: WatchListener = {}) {
    this.options = options;
    this.listener = listener;
    this.sharer = new StructureSharer({
      // The process's own environment, not the watch's: a switch for the test suite.
      freeze: options.freezeObjects ?? process.env.HINDSIGHT_FREEZE_OBJECTS === '1',
    });
  }

  /** Discovers the kinds, then runs one reflector per kind until `stop()`. Resolves once every kind is listed. */
  async start(): Promise<void> {
    const o = this.options;
    this.access =
      o.access ?? (o.isolateKubeconfig ? await loadClusterAccessIsolated(o) : await loadClusterAccess(o));
    // No circuit breaker: a run ends at the first server failure, a watcher retries past it.
    this.connected = new ClusterClient(this.access, o.client, false);
    this.source = this.connected.source;
    this.resources = await discover(this.client, this.options.kinds ?? CLUSTER_KINDS);
    const firstSync = this.resources.map(
      (r) =>
        new Promise<void>((resolve) => {
          void this.reflect(r, resolve);
        }),
    );
    await Promise.all(firstSync);
  }

  /** Every object now, as read. */
  objects(): KubeObject[] {
    const out: KubeObject[] = [];
    for (const store of this.stores.values()) out.push(...store.values());
    return out;
  }

  /** Kinds listed at least once, of all discovered. */
  get readiness(): { synced: number; kinds: number } {
    return { synced: this.synced.size, kinds: this.resources.length };
  }

  /** Server-side apply of one object with the watch's credentials (`serve --policy-reports`). */
  apply(path: string, object: unknown): Promise<{ status: number; body: string }> {
    return this.client.apply(path, object, 'hindsight');
  }

  stop(): void {
    this.controller.abort();
    this.connected?.close();
  }

  private get client(): ClusterClient {
    if (!this.connected) throw new Error('the watch has not started');
    return this.connected;
  }

  private path(r: Resource): string {
    const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
    return r.namespaced && this.options.namespace
      ? `${base}/namespaces/${this.options.namespace}/${r.plural}`
      : `${base}/${r.plural}`;
  }

  private count(map: Map<string, number>, kind: string): void {
    map.set(kind, (map.get(kind) ?? 0) + 1);
  }

  /** Lists every page of a resource; a 410 on a page (its continue token expired) starts over. */
  private async list(
    r: Resource,
    accept: string,
    typed: (item: Record<string, unknown>, before?: KubeObject) => KubeObject,
    identity: (o: Record<string, unknown>) => string,
    previous: ReadonlyMap<string, KubeObject> | undefined,
  ): Promise<{ store: Map<string, KubeObject>; listVersion: string }> {
    const store = new Map<string, KubeObject>();
    let cont = '';
    let listVersion = '';
    do {
      const query = `?limit=${this.options.pageSize ?? 500}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`;
      const page = await getJson<{
        items?: Record<string, unknown>[];
        metadata?: { continue?: string; resourceVersion?: string };
      }>(this.client, this.path(r) + query, accept);
      if (page.status === 410) {
        cont = '';
        store.clear();
        continue;
      }
      if (page.status === 403)
        throw new ForbiddenError(`not allowed to list ${r.plural}${r.group ? `.${r.group}` : ''}`);
      if (!page.value) throw new Error(`list ${r.plural}: HTTP ${page.status}: ${page.body.slice(0, 200)}`);
      for (const item of page.value.items ?? []) {
        const id = identity(item);
        store.set(id, typed(item, previous?.get(id)));
      }
      cont = page.value.metadata?.continue ?? '';
      listVersion = page.value.metadata?.resourceVersion ?? listVersion;
    } while (cont);
    return { store, listVersion };
  }

  /** What a list shows changed since the store before it: ADDED, MODIFIED and DELETED. */
  private reportMissed(
    previous: ReadonlyMap<string, KubeObject>,
    store: ReadonlyMap<string, KubeObject>,
  ): void {
    const at = Date.now();
    for (const [id, object] of store) {
      const before = previous.get(id);
      if (!before) this.listener.onChange?.('ADDED', object, at);
      else if (before.metadata.resourceVersion !== object.metadata.resourceVersion)
        this.listener.onChange?.('MODIFIED', object, at, before);
    }
    for (const [id, object] of previous) if (!store.has(id)) this.listener.onChange?.('DELETED', object, at);
  }

  private async reflect(r: Resource, onFirstSync: () => void): Promise<void> {
    const apiVersion = r.group === '' ? r.version : `${r.group}/${r.version}`;
    const storeKey = `${apiVersion}/${r.kind}`;
    const accept = METADATA_ONLY.has(r.kind)
      ? 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json'
      : 'application/json';
    const signal = this.controller.signal;
    const minBackoff = this.options.minBackoffMs ?? 500;
    const maxBackoff = this.options.maxBackoffMs ?? 30_000;
    let backoff = minBackoff;
    let resourceVersion: string | undefined;
    let first = true;
    const identity = (o: Record<string, unknown>): string => {
      const m = (o.metadata ?? {}) as { uid?: string; namespace?: string; name?: string };
      return m.uid ?? `${m.namespace ?? ''}/${m.name ?? ''}`;
    };
    const typed = (item: Record<string, unknown>, before?: KubeObject): KubeObject =>
      this.sharer.share(redactObject({ ...item, apiVersion, kind: r.kind } as unknown as KubeObject), before);
    const wait = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms * (0.8 + Math.random() * 0.4));
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });

    while (!signal.aborted) {
      try {
        if (resourceVersion === undefined) {
          // List (paged), replacing the store: what is not listed any more was deleted.
          const previous = this.stores.get(storeKey);
          const { store, listVersion } = await this.list(r, accept, typed, identity, previous);
          this.stores.set(storeKey, store);
          // After a relist, changes the watch missed are reported as such.
          if (previous) this.reportMissed(previous, store);
          resourceVersion = listVersion;
          this.forbidden.delete(r.kind);
          this.synced.add(storeKey);
          this.listener.onSynced?.(r.kind);
          if (first) {
            first = false;
            onFirstSync();
          }
        }
        const store = this.stores.get(storeKey) as Map<string, KubeObject>;
        const watchSeconds = this.options.watchSeconds ?? 300;
        const query = `?watch=1&allowWatchBookmarks=true&timeoutSeconds=${watchSeconds}&resourceVersion=${encodeURIComponent(resourceVersion)}`;
        let gone = false;
        const status = await this.client.stream(
          this.path(r) + query,
          (line) => {
            const event = JSON.parse(line) as WatchEvent;
            const at = Date.now();
            if (event.type === 'ERROR') {
              const code = (event.object as { code?: number }).code;
              if (code === 410) gone = true;
              else throw new Error(`watch ${r.plural}: ${JSON.stringify(event.object).slice(0, 200)}`);
              return;
            }
            const version = (event.object.metadata as { resourceVersion?: string } | undefined)
              ?.resourceVersion;
            if (version) resourceVersion = version;
            if (event.type === 'BOOKMARK') return;
            this.count(this.stats.events, r.kind);
            const id = identity(event.object);
            const before = store.get(id);
            const object = typed(event.object, before);
            if (event.type === 'DELETED') store.delete(id);
            else store.set(id, object);
            this.listener.onChange?.(event.type as WatchEventType, object, at, before);
          },
          { signal, idleMs: this.options.idleMs ?? 120_000 },
        );
        if (status === 410 || gone) {
          // Fell behind compaction: list again (the diff above reports what was missed).
          this.count(this.stats.relists, r.kind);
          this.listener.onRelist?.(r.kind);
          resourceVersion = undefined;
          continue;
        }
        if (status !== 200) throw new Error(`watch ${r.plural}: HTTP ${status}`);
        backoff = minBackoff;
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof ForbiddenError) {
          // RBAC without this kind: the rest goes on, the results say they are partial; asked
          // again at the longest backoff in case the role changes.
          this.forbidden.add(r.kind);
          if (first) {
            first = false;
            onFirstSync();
          }
          backoff = maxBackoff;
        }
        this.count(this.stats.errors, r.kind);
        this.listener.onError?.(r.kind, error instanceof Error ? error.message : String(error));
        await wait(backoff);
        backoff = Math.min(maxBackoff, backoff * 2);
      }
    }
  }
}
