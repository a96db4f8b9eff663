/**
 * Worker threads from the extension's own code: in the extension, the bundled `dist/<name>.js` beside
 * dist/extension.js; in tests (running the TypeScript under tsx), the worker's .ts source next to its
 * client, loaded through tsx's require hook (a worker does not inherit its parent's `--import tsx`).
 * No vscode here.
 */
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * The worker file for a client module (`callerFile`: its `__filename`): `source` beside it when the client
 * runs from source (.ts), else `bundle` beside the bundle it was built into.
 */
export function workerPath(callerFile: string, source: string, bundle: string): string {
  return join(dirname(callerFile), callerFile.endsWith('.ts') ? source : bundle);
}

/** Starts the worker in `file`: a .js file as it is, a .ts file through tsx. */
export function spawnWorker(file: string): Worker {
  if (!file.endsWith('.ts')) return new Worker(file);
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true });
}
