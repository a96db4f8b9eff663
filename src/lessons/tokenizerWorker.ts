/**
 * The tokenizer's thread (dist/tokenizerWorker.js). Tokenizing up to a million characters and loading a rank
 * table (up to 2.3 MB of JS) take from tens of milliseconds to seconds: here they never hold up the extension
 * host's event loop. One job at a time per message; the client (tokenizerClient.ts) owns timeouts.
 */
import { parentPort } from 'node:worker_threads';
import { tokenize } from './tokenizer';
import type { TokenizerJob, TokenizerReply } from './tokenizerClient';

const port = parentPort;
if (!port) throw new Error('tokenizerWorker.ts runs only as a worker thread');

port.on('message', (job: TokenizerJob) => {
  void tokenize(job.text, job.encoding).then(
    (result) => port.postMessage({ id: job.id, ok: true, result } satisfies TokenizerReply),
    (error: unknown) => port.postMessage({ id: job.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies TokenizerReply),
  );
});
