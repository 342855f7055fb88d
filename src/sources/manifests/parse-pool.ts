/**
 * YAML parsing on worker threads, for loads large enough to repay starting them: a file's
 * documents are split on the main thread (cheap) and parsed in runs of about a megabyte by as
 * many workers as the machine has cores (at most four). Results come back in file order, the
 * same `ParsedDocuments` the main thread would have made; a worker that fails hands its run
 * back to the main thread, which parses it itself.
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CODE_EXTENSION, codeFile } from '../../core/package-files.ts';
import type { DocumentChunk, ParsedDocuments } from './read-documents.ts';
import { hasCrdSchema, parseYamlChunks, splitYamlDocuments } from './read-documents.ts';

/** YAML read in one load before parsing moves to workers: below it, starting them costs more. */
export const POOL_THRESHOLD_BYTES = 4 * 1024 * 1024;
/** Text sent to a worker at a time. */
const RUN_BYTES = 1024 * 1024;
/** A document this large is parsed on the main thread: a worker's heap is kept small. */
const LARGE_DOCUMENT_BYTES = 4 * 1024 * 1024;
/** A worker's heap limits: small, so two of them add little to a large load's peak memory. */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 };

export interface ParseRequest {
  id: number;
  chunks: DocumentChunk[];
  filename: string;
}

export type ParseReply = { id: number; ok: true; parsed: ParsedDocuments } | { id: number; ok: false };

interface PoolWorker {
  worker: Worker;
  pending: Map<number, (reply: ParseReply) => void>;
}

export class ParsePool {
  private readonly workers: PoolWorker[] = [];
  private nextId = 0;
  private readonly size: number;

  private constructor(size: number) {
    this.size = size;
  }

  /** A pool when the machine has more than one core to give it; undefined otherwise. */
  static create(): ParsePool | undefined {
    const size = Math.min(availableParallelism(), 4);
    return size >= 2 ? new ParsePool(size) : undefined;
  }

  /** A file's documents, parsed by the workers, in the order they appear. */
  async parse(text: string, filename: string): Promise<ParsedDocuments> {
    const runs: { chunks: DocumentChunk[]; here: boolean }[] = [];
    let run: DocumentChunk[] = [];
    let bytes = 0;
    const flush = (): void => {
      if (run.length > 0) runs.push({ chunks: run, here: false });
      run = [];
      bytes = 0;
    };
    splitYamlDocuments(text).forEach((chunk, index) => {
      // Large documents, and CRDs (whose schemas are blanked, not parsed), stay here.
      if (chunk.text.length >= LARGE_DOCUMENT_BYTES || hasCrdSchema(chunk.text)) {
        flush();
        runs.push({ chunks: [{ index, ...chunk }], here: true });
        return;
      }
      run.push({ index, ...chunk });
      bytes += chunk.text.length;
      if (bytes >= RUN_BYTES) flush();
    });
    flush();
    // Runs go to the workers first, then the main thread parses its own while they work.
    const sent = runs.map(({ chunks, here }) => (here ? undefined : this.parseRun(chunks, filename)));
    const parsed = await Promise.all(
      runs.map(({ chunks, here }, i) =>
        here ? parseYamlChunks(chunks, filename) : (sent[i] as Promise<ParsedDocuments>),
      ),
    );
    const out: ParsedDocuments = { documents: [], errors: [] };
    for (const p of parsed) {
      for (const d of p.documents) out.documents.push(d);
      for (const e of p.errors) out.errors.push(e);
    }
    return out;
  }

  private async parseRun(chunks: DocumentChunk[], filename: string): Promise<ParsedDocuments> {
    const target = this.leastBusy();
    const id = this.nextId++;
    const reply = await new Promise<ParseReply>((resolve) => {
      target.pending.set(id, resolve);
      target.worker.postMessage({ id, chunks, filename } satisfies ParseRequest);
    });
    // A worker that failed: the main thread parses the run (and throws what it throws).
    return reply.ok ? reply.parsed : parseYamlChunks(chunks, filename);
  }

  private leastBusy(): PoolWorker {
    if (this.workers.length < this.size) return this.start();
    return this.workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  private start(): PoolWorker {
    const url = pathToFileURL(codeFile('sources', 'manifests', `parse-worker${CODE_EXTENSION}`));
    const pending = new Map<number, (reply: ParseReply) => void>();
    const worker = new Worker(url, { resourceLimits: WORKER_LIMITS });
    const entry = { worker, pending };
    // A worker that dies (out of its heap, say) leaves the pool; its runs go back to the main
    // thread, and the next run starts a new worker.
    const failAll = (): void => {
      const at = this.workers.indexOf(entry);
      if (at !== -1) this.workers.splice(at, 1);
      for (const [id, resolve] of pending) resolve({ id, ok: false });
      pending.clear();
    };
    worker.on('message', (reply: ParseReply) => {
      pending.get(reply.id)?.(reply);
      pending.delete(reply.id);
    });
    worker.on('error', failAll);
    worker.on('exit', failAll);
    this.workers.push(entry);
    return entry;
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}
