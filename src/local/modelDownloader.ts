/**
 * Downloads a GGUF model into one folder, safely (pure core, no vscode):
 * - the bytes go to `<file>.part` and become `<file>` only after every check passed (atomic rename), so a
 *   partial or bad file is never mistaken for a model;
 * - an interrupted download resumes with HTTP Range (automatically on a dropped connection, or on the next
 *   call); a server that ignores Range makes it start again from zero;
 * - free disk space is checked first; SHA-256 is computed while downloading and compared with the catalog's
 *   hash and with the server's content hash (Hugging Face sends it as X-Linked-Etag on its redirect);
 * - the GGUF header (magic, version, tensor table, length) is checked in every case;
 * - one download at a time: a second call while one runs fails with 'busy'.
 */
import { createHash, Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { t } from '../core/l10n';
import { GgufError, validateGgufFile } from '../gguf/ggufReader';
import { GGUF_MAGIC } from '../gguf/ggufTypes';

export type DownloadErrorCode =
  | 'busy'
  | 'badUrl'
  | 'notFound'
  | 'forbidden'
  | 'http'
  | 'network'
  | 'diskFull'
  | 'hashMismatch'
  | 'notGguf'
  | 'truncated'
  | 'cancelled';

export class DownloadError extends Error {
  constructor(
    readonly code: DownloadErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

export interface DownloadRequest {
  url: string;
  /** Final file name inside the models folder (a plain name, no path). */
  fileName: string;
  /** Known SHA-256 (catalog); the download fails if the bytes differ. */
  sha256?: string;
  /** Expected size, used for the disk-space check before the server answers (catalog size). */
  expectedBytes?: number;
}

export interface DownloadProgress {
  received: number;
  total?: number;
  /** Where this attempt started (bytes already on disk). */
  resumedFrom: number;
  bytesPerSecond: number;
  etaSeconds?: number;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
  /** The server's content hash matched (X-Linked-Etag / ETag), or the catalog's. */
  hashChecked: 'server' | 'catalog' | 'both' | 'none';
  /** Times a dropped connection was resumed with Range. */
  resumes: number;
  /** Times the download started again from zero (server ignored Range, or the file changed). */
  restarts: number;
}

export interface DownloaderOptions {
  dir: string;
  fetch?: typeof fetch;
  /** Free bytes on the disk holding `dir` (tests simulate a full disk with it). */
  freeBytes?: (dir: string) => Promise<number>;
  /** Automatic resumes after a dropped connection (default 3). */
  maxResumes?: number;
  /** No byte for this long counts as a dropped connection (default 30 s). */
  stallTimeoutMs?: number;
  /** Kept free beyond the file itself (default 64 MB). */
  diskMarginBytes?: number;
}

interface PartMeta {
  url: string;
  etag?: string;
  total?: number;
}

const SHA256 = /^[0-9a-f]{64}$/;

export class ModelDownloader {
  private running: { fileName: string; abort: AbortController } | undefined;

  constructor(private readonly options: DownloaderOptions) {}

  get busy(): string | undefined {
    return this.running?.fileName;
  }

  /** Cancels the running download (its .part stays for a later resume). Returns whether one was running. */
  cancel(): boolean {
    if (!this.running) return false;
    this.running.abort.abort();
    return true;
  }

  async download(request: DownloadRequest, opts: { signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void } = {}): Promise<DownloadResult> {
    if (this.running) {
      throw new DownloadError('busy', t('Another model is downloading ({0}). Wait for it to finish or cancel it (“LLM Lab: Cancel”).', this.running.fileName));
    }
    if (!/^https?:\/\//i.test(request.url)) throw new DownloadError('badUrl', t('Not a download link: {0}', request.url));
    if (!request.fileName || basename(request.fileName) !== request.fileName || !request.fileName.endsWith('.gguf')) {
      throw new DownloadError('badUrl', t('The model file name must be a plain name ending in .gguf: {0}', request.fileName));
    }
    const abort = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, abort.signal]) : abort.signal;
    this.running = { fileName: request.fileName, abort };
    try {
      return await this.run(request, signal, opts.onProgress);
    } finally {
      this.running = undefined;
    }
  }

  private async run(request: DownloadRequest, signal: AbortSignal, onProgress?: (p: DownloadProgress) => void): Promise<DownloadResult> {
    const dir = this.options.dir;
    await mkdir(dir, { recursive: true });
    const finalPath = join(dir, request.fileName);
    const part = `${finalPath}.part`;
    const metaPath = `${part}.json`;
    let meta = await readMeta(metaPath);
    let have = meta?.url === request.url ? await sizeOf(part) : 0;
    if (!have) {
      await rm(part, { force: true });
      meta = undefined;
    }
    await this.checkDisk((meta?.total ?? request.expectedBytes ?? 0) - have);

    let resumes = 0;
    let restarts = 0;
    let hash = createHash('sha256');
    if (have) await hashFile(part, hash);
    let serverHash: string | undefined;
    let total = meta?.total;

    for (;;) {
      if (signal.aborted) throw cancelled();
      const response = await this.open(request.url, have, meta?.etag, signal);
      serverHash = response.contentHash ?? serverHash;
      const etag = response.etag;
      if (response.status === 206 && have && (!meta?.etag || !etag || meta.etag === etag) && response.rangeStart === have) {
        total = response.total ?? total;
      } else {
        if (have) restarts++;
        have = 0;
        hash = createHash('sha256');
        total = response.status === 206 ? response.total : response.length;
        if (response.status === 206 && response.rangeStart !== 0) {
          await response.body.cancel().catch(() => undefined);
          throw new DownloadError('http', t('The server answered with the wrong part of the file.'));
        }
      }
      meta = { url: request.url, etag, total };
      await writeFile(metaPath, JSON.stringify(meta));
      if (total !== undefined) await this.checkDisk(total - have);

      const file = await open(part, have ? 'a' : 'w');
      const started = performance.now();
      const startedAt = have;
      let lastReport = 0;
      let firstChunk = have === 0;
      try {
        const reader = response.body.getReader();
        for (;;) {
          const chunk = await readWithStall(reader, this.options.stallTimeoutMs ?? 30_000, signal);
          if (!chunk) break;
          if (firstChunk) {
            firstChunk = false;
            if (looksLikeHtml(chunk) || (chunk.length >= 4 && Buffer.from(chunk.buffer, chunk.byteOffset, 4).readUInt32LE(0) !== GGUF_MAGIC)) {
              await reader.cancel().catch(() => undefined);
              throw new DownloadError('notGguf', looksLikeHtml(chunk) ? t('The server sent a web page instead of a model file (is the link right, or does the site need a login?).') : t('The downloaded file is not a GGUF model.'));
            }
          }
          await file.write(chunk);
          hash.update(chunk);
          have += chunk.length;
          const now = performance.now();
          if (onProgress && (now - lastReport > 200 || have === total)) {
            lastReport = now;
            const rate = ((have - startedAt) / Math.max(1, now - started)) * 1000;
            onProgress({ received: have, total, resumedFrom: startedAt, bytesPerSecond: rate, etaSeconds: total && rate > 0 ? (total - have) / rate : undefined });
          }
        }
      } catch (error) {
        await file.close();
        if (error instanceof DownloadError) {
          if (error.code === 'notGguf') await this.discard(part, metaPath);
          throw error;
        }
        if (signal.aborted) throw cancelled();
        // A dropped connection: resume from what is on disk.
        if (resumes < (this.options.maxResumes ?? 3)) {
          resumes++;
          continue;
        }
        throw new DownloadError('network', t('The connection dropped {0} times; {1} MB are kept. Run the download again to resume.', resumes + 1, (have / 1e6).toFixed(0)));
      }
      await file.close();
      if (total !== undefined && have < total) {
        if (resumes < (this.options.maxResumes ?? 3)) {
          resumes++;
          continue;
        }
        throw new DownloadError('network', t('The connection dropped {0} times; {1} MB are kept. Run the download again to resume.', resumes + 1, (have / 1e6).toFixed(0)));
      }
      break;
    }

    const sha256 = hash.digest('hex');
    const expected = request.sha256?.toLowerCase();
    if ((expected && expected !== sha256) || (serverHash && serverHash !== sha256)) {
      await this.discard(part, metaPath);
      throw new DownloadError('hashMismatch', t('The downloaded file does not match its published SHA-256 (expected {0}…, got {1}…). It was deleted; download it again.', (expected && expected !== sha256 ? expected : serverHash!).slice(0, 12), sha256.slice(0, 12)));
    }
    try {
      validateGgufFile(part);
    } catch (error) {
      await this.discard(part, metaPath);
      if (error instanceof GgufError) {
        throw new DownloadError(error.code === 'truncated' ? 'truncated' : 'notGguf', t('The downloaded file is not a usable GGUF model ({0}). It was deleted.', error.message));
      }
      throw error;
    }
    await rename(part, finalPath);
    await rm(metaPath, { force: true });
    return {
      path: finalPath,
      bytes: have,
      sha256,
      hashChecked: expected && serverHash ? 'both' : expected ? 'catalog' : serverHash ? 'server' : 'none',
      resumes,
      restarts,
    };
  }

  private async checkDisk(needed: number): Promise<void> {
    if (needed <= 0) return;
    const free = await (this.options.freeBytes ?? freeBytesOn)(this.options.dir);
    const margin = this.options.diskMarginBytes ?? 64 * 1024 * 1024;
    if (free < needed + margin) {
      throw new DownloadError('diskFull', t('Not enough free disk space: the model needs {0} MB, {1} MB are free. Free some space and try again.', Math.ceil((needed + margin) / 1e6), Math.floor(free / 1e6)));
    }
  }

  private async discard(part: string, metaPath: string): Promise<void> {
    await rm(part, { force: true });
    await rm(metaPath, { force: true });
  }

  /** GET with Range, following redirects by hand so the first hop's X-Linked-Etag is seen. */
  private async open(url: string, from: number, etag: string | undefined, signal: AbortSignal): Promise<OpenResponse> {
    const doFetch = this.options.fetch ?? fetch;
    let contentHash: string | undefined;
    let current = url;
    for (let hop = 0; hop < 6; hop++) {
      const headers: Record<string, string> = { 'accept-encoding': 'identity' };
      if (from > 0) {
        headers.range = `bytes=${from}-`;
        if (etag) headers['if-range'] = etag;
      }
      let response: Response;
      try {
        response = await doFetch(current, { headers, redirect: 'manual', signal });
      } catch (error) {
        if (signal.aborted) throw cancelled();
        throw new DownloadError('network', t('Could not reach {0}: {1}', safeHost(current), (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message));
      }
      contentHash = contentHash ?? hashFromHeader(response.headers.get('x-linked-etag'));
      if (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
        await response.body?.cancel().catch(() => undefined);
        current = new URL(response.headers.get('location')!, current).toString();
        continue;
      }
      if (response.status === 404 || response.status === 410) throw await httpError(response, 'notFound', t('The model file was not found on the server (HTTP {0}). The link may be out of date.', response.status));
      if (response.status === 401 || response.status === 403) throw await httpError(response, 'forbidden', t('The server refused the download (HTTP {0}). The model may need a login or a licence acceptance on its page.', response.status));
      if (response.status === 416) {
        // The part already holds the whole file (or more): start again to be safe.
        await response.body?.cancel().catch(() => undefined);
        if (from > 0) return this.open(url, 0, undefined, signal);
      }
      if (response.status !== 200 && response.status !== 206) throw await httpError(response, 'http', t('The server answered HTTP {0}. Try again later.', response.status));
      if (!response.body) throw new DownloadError('http', t('The server sent no data.'));
      const type = response.headers.get('content-type') ?? '';
      if (/text\/html/i.test(type)) {
        await response.body.cancel().catch(() => undefined);
        throw new DownloadError('notGguf', t('The server sent a web page instead of a model file (is the link right, or does the site need a login?).'));
      }
      const range = /bytes (\d+)-(\d+)\/(\d+|\*)/.exec(response.headers.get('content-range') ?? '');
      const length = Number(response.headers.get('content-length') ?? NaN);
      contentHash = contentHash ?? hashFromHeader(response.headers.get('etag'));
      return {
        status: response.status,
        body: response.body,
        etag: response.headers.get('etag') ?? undefined,
        contentHash,
        length: Number.isFinite(length) ? length : undefined,
        rangeStart: range ? Number(range[1]) : undefined,
        total: range && range[3] !== '*' ? Number(range[3]) : undefined,
      };
    }
    throw new DownloadError('http', t('Too many redirects.'));
  }
}

interface OpenResponse {
  status: number;
  body: ReadableStream<Uint8Array>;
  etag?: string;
  contentHash?: string;
  length?: number;
  rangeStart?: number;
  total?: number;
}

function cancelled(): DownloadError {
  return new DownloadError('cancelled', t('Download cancelled. Run it again to resume.'));
}

/** A SHA-256 in an ETag-like header (quotes and W/ removed), else undefined. */
export function hashFromHeader(value: string | null): string | undefined {
  const v = value?.replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase();
  return v && SHA256.test(v) ? v : undefined;
}

function looksLikeHtml(chunk: Uint8Array): boolean {
  const head = Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.length, 64)).toString('latin1').trimStart().toLowerCase();
  return head.startsWith('<!doctype') || head.startsWith('<html') || head.startsWith('<?xml') || head.startsWith('<');
}

async function httpError(response: Response, code: DownloadErrorCode, message: string): Promise<DownloadError> {
  await response.body?.cancel().catch(() => undefined);
  return new DownloadError(code, message, response.status);
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

async function readWithStall(reader: ReadableStreamDefaultReader<Uint8Array>, stallMs: number, signal: AbortSignal): Promise<Uint8Array | undefined> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      reader.read().then((r) => (r.done ? undefined : r.value)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('stalled')), stallMs);
        onAbort = () => reject(new Error('aborted'));
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

async function readMeta(path: string): Promise<PartMeta | undefined> {
  try {
    const meta = JSON.parse(await readFile(path, 'utf8')) as PartMeta;
    return typeof meta.url === 'string' ? meta : undefined;
  } catch {
    return undefined;
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

function hashFile(path: string, hash: Hash): Promise<void> {
  return new Promise((resolve, reject) => {
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve())
      .on('error', reject);
  });
}

async function freeBytesOn(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}
