import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTinyGguf } from '../../../scripts/makeTinyGguf';
import { DownloadError, DownloadProgress, hashFromHeader, ModelDownloader } from '../../../src/local/modelDownloader';
import { GgufServer } from '../../server/ggufServer';

const NAME = 'tiny.gguf';

describe('local: model downloader', () => {
  let server: GgufServer;
  let dir: string;
  let gguf: Buffer;
  let sha256: string;

  before(async () => {
    server = await new GgufServer().listen();
    gguf = makeTinyGguf({ seed: 7 });
    sha256 = server.addFile(NAME, gguf).sha256;
  });
  after(() => server.close());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'llmlab-dl-'));
    server.requests.length = 0;
    server.resetDrops();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const downloader = (extra: Partial<ConstructorParameters<typeof ModelDownloader>[0]> = {}): ModelDownloader =>
    new ModelDownloader({ dir, freeBytes: async () => 10e9, ...extra });
  const files = (): string[] => readdirSync(dir).sort();
  const failure = async (promise: Promise<unknown>): Promise<DownloadError> => {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof DownloadError, String(error));
      return error;
    }
    assert.fail('expected the download to fail');
  };

  it('downloads, reports progress, hashes and renames the .part into place', async () => {
    const progress: DownloadProgress[] = [];
    const result = await downloader().download({ url: server.url(NAME), fileName: NAME, sha256 }, { onProgress: (p) => progress.push(p) });
    assert.equal(result.sha256, sha256);
    assert.equal(result.bytes, gguf.length);
    assert.equal(result.hashChecked, 'both');
    assert.deepEqual(files(), [NAME]);
    assert.deepEqual(readFileSync(join(dir, NAME)), gguf);
    assert.ok(progress.length >= 1);
    assert.equal(progress.at(-1)!.received, gguf.length);
    assert.equal(progress.at(-1)!.total, gguf.length);
  });

  it('follows the Hugging Face redirect and checks X-Linked-Etag', async () => {
    const result = await downloader().download({ url: server.url(NAME, 'hf'), fileName: NAME });
    assert.equal(result.hashChecked, 'server');
    assert.deepEqual(server.requests.map((r) => [r.path, r.status]), [[`/${NAME}`, 302], [`/${NAME}`, 200]]);
  });

  it('resumes with Range after the connection drops mid-file', async () => {
    const result = await downloader().download({ url: server.url(NAME, 'drop-once'), fileName: NAME, sha256 });
    assert.equal(result.resumes, 1);
    assert.equal(result.sha256, sha256);
    const ranged = server.requests.filter((r) => r.range);
    assert.equal(ranged.length, 1);
    assert.match(ranged[0].range!, /^bytes=\d+-$/);
    assert.equal(ranged[0].status, 206);
    assert.deepEqual(readFileSync(join(dir, NAME)), gguf);
  });

  it('keeps the .part when it gives up, and the next call resumes from it', async () => {
    const error = await failure(downloader({ maxResumes: 1 }).download({ url: server.url(NAME, 'drop-always'), fileName: NAME }));
    assert.equal(error.code, 'network');
    assert.deepEqual(files(), [`${NAME}.part`, `${NAME}.part.json`], 'only the .part (never a file that looks like a model)');
    const kept = readFileSync(join(dir, `${NAME}.part`)).length;
    assert.ok(kept > 0);
    server.requests.length = 0;
    // Still dropping every 64 KB, but each attempt goes on from where the last stopped.
    const result = await downloader({ maxResumes: 20 }).download({ url: server.url(NAME, 'drop-always'), fileName: NAME, sha256 });
    assert.equal(server.requests[0].range, `bytes=${kept}-`);
    assert.equal(result.sha256, sha256);
    assert.deepEqual(files(), [NAME]);
  });

  it('a server without Range support makes it start again from zero', async () => {
    writeFileSync(join(dir, `${NAME}.part`), gguf.subarray(0, 1000));
    writeFileSync(join(dir, `${NAME}.part.json`), JSON.stringify({ url: server.url(NAME, 'no-range'), total: gguf.length }));
    const result = await downloader().download({ url: server.url(NAME, 'no-range'), fileName: NAME, sha256 });
    assert.equal(result.restarts, 1);
    assert.equal(server.requests[0].range, 'bytes=1000-');
    assert.equal(server.requests[0].status, 200);
    assert.deepEqual(readFileSync(join(dir, NAME)), gguf);
  });

  it('404 and 403 fail with their own codes and leave nothing behind', async () => {
    assert.equal((await failure(downloader().download({ url: server.url(NAME, 'http-404'), fileName: NAME }))).code, 'notFound');
    const forbidden = await failure(downloader().download({ url: server.url(NAME, 'http-403'), fileName: NAME }));
    assert.equal(forbidden.code, 'forbidden');
    assert.match(forbidden.message, /403/);
    assert.deepEqual(files(), []);
  });

  it('an HTML page is refused (by content type, and by its bytes when sent as a binary)', async () => {
    for (const scenario of ['html', 'html-octet']) {
      const error = await failure(downloader().download({ url: server.url(NAME, scenario), fileName: NAME }));
      assert.equal(error.code, 'notGguf', scenario);
      assert.match(error.message, /web page/);
      assert.deepEqual(files(), [], scenario);
    }
  });

  it('a wrong hash (server or catalog) deletes the file', async () => {
    const server1 = await failure(downloader().download({ url: server.url(NAME, 'wrong-hash'), fileName: NAME }));
    assert.equal(server1.code, 'hashMismatch');
    assert.deepEqual(files(), []);
    const catalog = await failure(downloader().download({ url: server.url(NAME), fileName: NAME, sha256: '0'.repeat(64) }));
    assert.equal(catalog.code, 'hashMismatch');
    assert.match(catalog.message, /000000000000…/);
    assert.deepEqual(files(), []);
  });

  it('a truncated GGUF is caught by the header check and deleted', async () => {
    const error = await failure(downloader().download({ url: server.url(NAME, 'truncated'), fileName: NAME }));
    assert.equal(error.code, 'truncated');
    assert.deepEqual(files(), []);
  });

  it('a full disk is refused before any byte is fetched', async () => {
    const error = await failure(downloader({ freeBytes: async () => 1e6 }).download({ url: server.url(NAME), fileName: NAME, expectedBytes: 400e6 }));
    assert.equal(error.code, 'diskFull');
    assert.equal(server.requests.length, 0);
    // Without an expected size the server's Content-Length is checked before the body is written.
    const late = await failure(downloader({ freeBytes: async () => 1000, diskMarginBytes: 0 }).download({ url: server.url(NAME), fileName: NAME }));
    assert.equal(late.code, 'diskFull');
    assert.ok(!files().includes(NAME));
  });

  it('a second download while one runs is refused; cancel stops it and keeps the .part for a resume', async () => {
    const d = downloader();
    const first = d.download({ url: server.url(NAME, 'slow'), fileName: NAME });
    await new Promise((r) => setTimeout(r, 30));
    const busy = await failure(d.download({ url: server.url(NAME), fileName: 'other.gguf' }));
    assert.equal(busy.code, 'busy');
    assert.match(busy.message, /tiny\.gguf/);
    await waitFor(() => existsSync(join(dir, `${NAME}.part`)) && readFileSync(join(dir, `${NAME}.part`)).length > 0);
    assert.equal(d.cancel(), true);
    assert.equal((await failure(first)).code, 'cancelled');
    assert.ok(!files().includes(NAME));
    assert.ok(files().includes(`${NAME}.part`));
    const resumed = await d.download({ url: server.url(NAME, 'slow'), fileName: NAME, sha256 });
    assert.equal(resumed.sha256, sha256);
    assert.match(server.requests.at(-1)!.range ?? '', /^bytes=[1-9]\d*-$/);
  });

  it('an abort signal cancels too', async () => {
    const abort = new AbortController();
    const p = downloader().download({ url: server.url(NAME, 'slow'), fileName: NAME }, { signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    assert.equal((await failure(p)).code, 'cancelled');
  });

  it('refuses file names with a path and non-http URLs', async () => {
    assert.equal((await failure(downloader().download({ url: server.url(NAME), fileName: '../x.gguf' }))).code, 'badUrl');
    assert.equal((await failure(downloader().download({ url: 'file:///etc/passwd', fileName: NAME }))).code, 'badUrl');
  });

  it('hashFromHeader reads quoted, weak and bare SHA-256 values only', () => {
    const h = createHash('sha256').update('x').digest('hex');
    assert.equal(hashFromHeader(`"${h}"`), h);
    assert.equal(hashFromHeader(`W/"${h.toUpperCase()}"`), h);
    assert.equal(hashFromHeader('"abc-123"'), undefined);
    assert.equal(hashFromHeader(null), undefined);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
