import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { spawnWorker, workerPath } from '../../../src/core/spawnWorker';

function ask(worker: Worker, text: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.postMessage(text);
  }).finally(() => void worker.terminate());
}

describe('spawnWorker', () => {
  it('runs a worker from its TypeScript source (tests) through tsx', async () => {
    assert.equal(await ask(spawnWorker(join(__dirname, 'fixtures', 'echoWorker.ts')), 'hi'), 'echo: hi');
  });

  it('runs a bundled .js worker as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmlab-worker-'));
    try {
      const file = join(dir, 'bundle.js');
      writeFileSync(file, "require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage('js: ' + m));");
      assert.equal(await ask(spawnWorker(file), 'hi'), 'js: hi');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('workerPath: the source beside a client run from source, the bundle beside a bundled one', () => {
    assert.equal(workerPath(join('/x', 'src', 'tinygpt', 'samplerClient.ts'), 'samplerWorker.ts', 'tinygptSamplerWorker.js'), join('/x', 'src', 'tinygpt', 'samplerWorker.ts'));
    assert.equal(workerPath(join('/x', 'dist', 'extension.js'), 'samplerWorker.ts', 'tinygptSamplerWorker.js'), join('/x', 'dist', 'tinygptSamplerWorker.js'));
  });
});
