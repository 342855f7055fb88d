/** A parse-pool worker: parses runs of YAML documents and sends back what it read. */
import { parentPort } from 'node:worker_threads';
import type { ParseReply, ParseRequest } from './parse-pool.ts';
import { parseYamlChunks } from './read-documents.ts';

parentPort?.on('message', ({ id, chunks, filename }: ParseRequest) => {
  let reply: ParseReply;
  try {
    reply = { id, ok: true, parsed: parseYamlChunks(chunks, filename) };
  } catch {
    // The main thread parses the run again and reports what went wrong.
    reply = { id, ok: false };
  }
  parentPort?.postMessage(reply);
});
