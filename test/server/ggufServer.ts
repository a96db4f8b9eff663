/**
 * Serves GGUF files for download tests (loopback, port 0 by default), the way Hugging Face does:
 * Content-Length, ETag, Accept-Ranges / Range / If-Range, and (scenario `hf`) a 302 from /resolve/ carrying
 * X-Linked-Etag (the SHA-256) and X-Linked-Size. It misbehaves on demand, chosen by a path prefix
 * `/s/<scenario>/<file>`:
 *   hf            302 with X-Linked-Etag, then the file
 *   drop-once     the first full request is cut at half the file (the socket is destroyed); later requests work
 *   drop-always   every response is cut after 64 KB
 *   no-range      Range is ignored (always 200, whole file)
 *   wrong-hash    X-Linked-Etag / ETag name another SHA-256
 *   html          200 text/html error page
 *   html-octet    an HTML page sent as application/octet-stream
 *   truncated     the first two thirds of the file, served as if whole (correct hash of what is sent)
 *   slow          16 KB every 50 ms
 *   http-404, http-403, http-500
 * The server records every request (path, range) for assertions.
 *
 * CLI: node --import tsx test/server/ggufServer.ts <file.gguf> [--port 8124]
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface GgufServerRequest {
  path: string;
  scenario: string;
  range?: string;
  ifRange?: string;
  status?: number;
}

export class GgufServer {
  readonly requests: GgufServerRequest[] = [];
  private readonly files = new Map<string, { data: Buffer; sha256: string }>();
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private dropped = new Set<string>();

  constructor() {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Adds (or replaces) a file served as /<name> and /s/<scenario>/<name>. */
  addFile(name: string, data: Buffer): { url: string; sha256: string } {
    const sha256 = createHash('sha256').update(data).digest('hex');
    this.files.set(name, { data, sha256 });
    return { url: this.url(name), sha256 };
  }

  url(name: string, scenario?: string): string {
    return `${this.origin}${scenario ? `/s/${scenario}` : ''}/${name}`;
  }

  get origin(): string {
    const address = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  /** Forget which files were already dropped once (for `drop-once`). */
  resetDrops(): void {
    this.dropped.clear();
  }

  async listen(port = 0): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    let path = decodeURIComponent(url.pathname);
    let scenario = '';
    const prefixed = /^\/s\/([^/]+)(\/.*)$/.exec(path);
    if (prefixed) {
      scenario = prefixed[1]!;
      path = prefixed[2]!;
    }
    const cdn = path.startsWith('/cdn/');
    if (cdn) path = path.slice(4);
    const record: GgufServerRequest = { path, scenario, range: req.headers.range, ifRange: req.headers['if-range'] as string | undefined };
    this.requests.push(record);
    const send = (status: number, headers: http.OutgoingHttpHeaders, body?: Buffer | string): void => {
      record.status = status;
      res.writeHead(status, headers);
      res.end(body);
    };

    const http4 = /^http-(\d{3})$/.exec(scenario);
    if (http4) return send(Number(http4[1]), { 'content-type': 'text/plain' }, `status ${http4[1]}`);
    const file = this.files.get(path.slice(1));
    if (!file) return send(404, { 'content-type': 'text/plain' }, 'not found');
    if (scenario === 'html' || scenario === 'html-octet') {
      return send(200, { 'content-type': scenario === 'html' ? 'text/html; charset=utf-8' : 'application/octet-stream' }, '<!DOCTYPE html><html><body><h1>Sign in to continue</h1></body></html>');
    }
    const data = scenario === 'truncated' ? file.data.subarray(0, Math.floor((file.data.length * 2) / 3)) : file.data;
    const sha = scenario === 'truncated' ? createHash('sha256').update(data).digest('hex') : scenario === 'wrong-hash' ? 'f'.repeat(64) : file.sha256;
    const etag = `"${sha}"`;
    if (scenario === 'hf' && !cdn) {
      return send(302, { location: `/s/hf/cdn${path}`, 'x-linked-etag': etag, 'x-linked-size': String(data.length), 'content-length': '0' });
    }

    let start = 0;
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    if (range && scenario !== 'no-range' && (!ifRange || ifRange === etag)) {
      start = Number(range[1]);
      if (start >= data.length) return send(416, { 'content-range': `bytes */${data.length}` });
      status = 206;
    }
    const body = data.subarray(start);
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/octet-stream',
      'content-length': String(body.length),
      etag,
      'accept-ranges': scenario === 'no-range' ? 'none' : 'bytes',
    };
    if (scenario === 'wrong-hash') headers['x-linked-etag'] = etag;
    if (status === 206) headers['content-range'] = `bytes ${start}-${data.length - 1}/${data.length}`;
    record.status = status;
    res.writeHead(status, headers);

    let cutAt: number | undefined;
    if (scenario === 'drop-always') cutAt = 64 * 1024;
    if (scenario === 'drop-once' && !this.dropped.has(path) && start === 0) {
      this.dropped.add(path);
      cutAt = Math.floor(body.length / 2);
    }
    if (cutAt !== undefined && cutAt < body.length) {
      res.write(body.subarray(0, cutAt), () => setTimeout(() => req.socket.destroy(), 20));
      return;
    }
    if (scenario === 'slow') {
      let at = 0;
      const tick = (): void => {
        if (res.destroyed) return;
        const next = body.subarray(at, at + 16 * 1024);
        at += next.length;
        if (at >= body.length) res.end(next);
        else res.write(next, () => setTimeout(tick, 50));
      };
      tick();
      return;
    }
    res.end(body);
  }
}

if (require.main === module) {
  void (async () => {
    const { readFileSync } = await import('node:fs');
    const { basename } = await import('node:path');
    const file = process.argv[2];
    if (!file) throw new Error('usage: ggufServer.ts <file.gguf> [--port N]');
    const portAt = process.argv.indexOf('--port');
    const server = await new GgufServer().listen(portAt > 0 ? Number(process.argv[portAt + 1]) : 8124);
    const { url } = server.addFile(basename(file), readFileSync(file));
    console.log(`serving ${url} (scenarios: ${server.origin}/s/<scenario>/${basename(file)})`);
  })();
}
