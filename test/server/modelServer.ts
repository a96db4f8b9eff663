/**
 * A local model server for tests (loopback, port 0 by default). Speaks OpenAI chat completions (SSE and
 * plain JSON), GET /v1/models, and Ollama's /api/tags and NDJSON /api/chat. Answers are scripted by the
 * prompt (rules, see setRules) and it misbehaves on purpose by scenario, chosen by
 *   - the model name (`"model": "hang-after-3"`),
 *   - the `x-llmlab-scenario` header or `?scenario=` query,
 *   - or a path prefix `/s/<scenario>/…` (so a whole baseUrl can misbehave, e.g. for /v1/models).
 * It records every request (headers, body) and when each socket and request closed.
 *
 * Scenarios (model names):
 *   split-every-byte, one-chunk, crlf, comments, event-lines, chinese-split, no-done, cut-mid-stream,
 *   ignore-stream, invalid-json, mid-stream-error, bare-error-line, event-error, hang-after-N,
 *   hang-before-headers, keepalive-slow, slow, endless, tokens-N, reasoning, reasoning-field, logprobs,
 *   llamacpp, reject-stream-options, reject-max-tokens, redirect-localhost, vllm-flat-404, thinking,
 *   drip-comments (keep-alive comments / blank lines forever, never data), endless-fast (token frames as
 *   fast as the socket takes them, forever), echo-key (401 whose body quotes the bearer token it got),
 *   http-STATUS[-html|-flat|-text][-quota][-retry-after-N|-retry-after-ms-N|-retry-after-date-N][-once]
 *
 * CLI: node --import tsx test/server/modelServer.ts --port 8123
 */
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Rule {
  /** Tested against the prompt (all messages, or the last user message with lastUserOnly). */
  match: RegExp | string;
  reply: string;
  /** Sent as reasoning deltas (`reasoning_content`, Ollama `thinking`) before the reply. */
  reasoning?: string;
  lastUserOnly?: boolean;
}

export const DEFAULT_REPLY = 'The answer is 27.';
export const COT_REPLY = 'Roger started with 5 balls. 2 cans of 3 tennis balls each is 6 tennis balls. 5 + 6 = 11. The answer is 11.';
export const DEFAULT_RULES: Rule[] = [{ match: /let['’]s think step by step|5 \+ 6 = 11|roger started with 5 balls|让我们一步一步/i, reply: COT_REPLY }];
export const DEFAULT_MODELS = ['llm-lab-test', 'llm-lab-test-large'];

/** A chat request body as the server reads it (OpenAI and Ollama fields). */
export interface ChatBody {
  model?: string;
  messages?: Message[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stop?: string | string[];
  seed?: number;
  logprobs?: boolean;
  top_logprobs?: number;
  options?: { temperature?: number; top_p?: number; num_predict?: number; stop?: string[]; seed?: number };
  [other: string]: unknown;
}

export interface RecordedRequest {
  id: number;
  method: string;
  /** Path without the `/s/<scenario>` prefix and query. */
  path: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
  json?: ChatBody;
  scenario?: string;
  socketId: number;
  startedAt: number;
  /** When the response closed; `completed` false means the client went away first. */
  closedAt?: number;
  completed?: boolean;
}

export interface SocketRecord {
  id: number;
  openedAt: number;
  closedAt?: number;
}

export interface Message {
  role: string;
  content: string;
}

/** Word-ish tokens with their leading space; CJK characters one by one. */
export function tokenize(text: string): string[] {
  return text.match(/[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|\s*[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|\s+/g) ?? [];
}

interface HttpScenario {
  status: number;
  style: 'openai' | 'html' | 'flat' | 'text';
  quota: boolean;
  retryAfter?: { kind: 'seconds' | 'ms' | 'date'; value: number };
  once: boolean;
}

export function parseHttpScenario(name: string): HttpScenario | undefined {
  const m = /^http-(\d{3})(?:-(html|flat|text))?(-quota)?(?:-retry-after-(?:(ms|date)-)?(\d+))?(-once)?$/.exec(name);
  if (!m) return undefined;
  return {
    status: Number(m[1]),
    style: (m[2] as HttpScenario['style']) ?? 'openai',
    quota: !!m[3],
    retryAfter: m[5] ? { kind: (m[4] as 'ms' | 'date') ?? 'seconds', value: Number(m[5]) } : undefined,
    once: !!m[6],
  };
}

const STATUS_TEXT: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: "'messages' must contain at least one message" },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided: sk-ab***cd. You can find your API key at https://platform.openai.com/account/api-keys.' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Country, region, or territory not supported' },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model `gpt-9` does not exist or you do not have access to it.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests. Please try again in 1s.' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request. Sorry about that!' },
  502: { type: 'server_error', code: null, message: 'Bad gateway.' },
  503: { type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later.' },
};

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' };

/** Prompt tokens of a chat request, as the usage the server reports counts them. */
function promptTokenCount(json: ChatBody): number {
  return (json.messages as Message[]).reduce((sum, m) => sum + tokenize(String(m.content ?? '')).length, 0);
}

export class ModelServer extends EventEmitter {
  readonly requests: RecordedRequest[] = [];
  readonly sockets = new Map<number, SocketRecord>();
  models: string[];
  private rules: Rule[] = [...DEFAULT_RULES];
  private fallbackReply = DEFAULT_REPLY;
  /**
   * The frames of tokens-N streams (role, N tokens, finish), built once per model: building 20,000 frames takes
   * this process 50-100 ms (varying with its own GC) before the first byte, time a stream benchmark would count
   * as the client's. A real server sends its first token long before it has generated the last.
   */
  private readonly tokenStreams = new Map<string, string[]>();
  private readonly counters = new Map<string, number>();
  private readonly liveSockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextSocket = 1;
  private nextRequest = 1;

  private constructor(private readonly server: http.Server, models: string[]) {
    super();
    this.models = models;
  }

  static async start(options: { port?: number; host?: string; models?: string[] } = {}): Promise<ModelServer> {
    const server = http.createServer();
    const instance = new ModelServer(server, options.models ?? [...DEFAULT_MODELS]);
    server.on('connection', (socket) => instance.onConnection(socket));
    server.on('request', (req, res) => void instance.onRequest(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    return instance;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** OpenAI-compatible base URL. */
  get baseUrl(): string {
    return `${this.origin}/v1`;
  }
  /** A base URL whose every request runs `scenario`. */
  scenarioUrl(scenario: string, path = '/v1'): string {
    return `${this.origin}/s/${scenario}${path}`;
  }

  /** Replies by prompt: the first rule that matches wins, else `fallback` (default "The answer is 27."). */
  setRules(rules: Rule[], fallback = DEFAULT_REPLY): void {
    this.rules = [...rules];
    this.fallbackReply = fallback;
  }
  resetRules(): void {
    this.setRules(DEFAULT_RULES, DEFAULT_REPLY);
  }
  /** Forgets recorded requests, `-once` counters and custom rules. */
  reset(): void {
    this.requests.length = 0;
    this.counters.clear();
    this.resetRules();
    this.models = [...DEFAULT_MODELS];
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Resolves with the time the response to `request` closed (the client aborted or it finished). */
  waitForClose(request: RecordedRequest, timeoutMs = 2000): Promise<number> {
    if (request.closedAt !== undefined) return Promise.resolve(request.closedAt);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('requestClosed', listener);
        reject(new Error(`request ${request.id} still open after ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (closed: RecordedRequest): void => {
        if (closed !== request) return;
        clearTimeout(timer);
        this.off('requestClosed', listener);
        resolve(closed.closedAt!);
      };
      this.on('requestClosed', listener);
    });
  }

  /** Resolves with the next request whose path is `path` (already received ones count). */
  waitForRequest(path: string, timeoutMs = 2000): Promise<RecordedRequest> {
    const existing = this.requests.find((r) => r.path === path);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no request to ${path} within ${timeoutMs} ms`)), timeoutMs);
      const listener = (r: RecordedRequest): void => {
        if (r.path !== path) return;
        clearTimeout(timer);
        this.off('request', listener);
        resolve(r);
      };
      this.on('request', listener);
    });
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.liveSockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(socket: Socket): void {
    const record: SocketRecord = { id: this.nextSocket++, openedAt: performance.now() };
    this.sockets.set(record.id, record);
    (socket as Socket & { llmLabId?: number }).llmLabId = record.id;
    this.liveSockets.add(socket);
    socket.on('close', () => {
      record.closedAt = performance.now();
      this.liveSockets.delete(socket);
      this.emit('socketClosed', record);
    });
  }

  private later(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    let path = url.pathname;
    let scenario = (req.headers['x-llmlab-scenario'] as string | undefined) ?? url.searchParams.get('scenario') ?? undefined;
    const prefix = /^\/s\/([^/]+)(\/.*)$/.exec(path);
    if (prefix) {
      scenario = prefix[1];
      path = prefix[2]!;
    }
    let json: ChatBody | undefined;
    try {
      json = body ? (JSON.parse(body) as ChatBody) : undefined;
    } catch {
      json = undefined;
    }
    if (!scenario && typeof json?.model === 'string') scenario = json.model;
    const record: RecordedRequest = {
      id: this.nextRequest++,
      method: req.method ?? 'GET',
      path,
      url: req.url ?? '/',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      body,
      json,
      scenario,
      socketId: (req.socket as Socket & { llmLabId?: number }).llmLabId ?? 0,
      startedAt: performance.now(),
    };
    this.requests.push(record);
    res.on('close', () => {
      record.closedAt = performance.now();
      record.completed = res.writableFinished;
      this.emit('requestClosed', record);
    });
    this.emit('request', record);
    try {
      await this.route(record, req, res, scenario ?? '');
    } catch (error) {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(error), type: 'server_error' } }));
      } else res.destroy();
    }
  }

  private async route(record: RecordedRequest, req: http.IncomingMessage, res: http.ServerResponse, scenario: string): Promise<void> {
    const { path } = record;
    const openai = path === '/v1/chat/completions' || path === '/chat/completions';
    const ollama = path === '/api/chat';
    if (scenario === 'hang-before-headers') return; // never answers
    if (scenario === 'redirect-localhost' && /^127\./.test(req.headers.host ?? '')) {
      res.writeHead(307, { location: `http://localhost:${this.port}${req.url}` });
      res.end();
      return;
    }
    const failure = parseHttpScenario(scenario);
    if (failure && this.shouldFail(scenario, failure)) {
      this.sendHttpError(res, failure, ollama);
      return;
    }
    if (scenario === 'echo-key') {
      // Like servers that quote the credential they rejected.
      const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '(none)';
      const message = `Incorrect API key provided: ${token}. You can find your API key in your account settings.`;
      this.sendJson(res, 401, ollama ? { error: message } : { error: { message, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
      return;
    }
    if (path === '/v1/models' || path === '/models') {
      this.sendJson(res, 200, { object: 'list', data: this.models.map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'llm-lab-test' })) });
      return;
    }
    if (path === '/api/tags') {
      this.sendJson(res, 200, {
        models: this.models.map((name) => ({ name, model: name, modified_at: '2025-01-01T00:00:00Z', size: 1000, digest: 'sha256:0', details: { family: 'test' } })),
      });
      return;
    }
    if (path === '/api/version') {
      this.sendJson(res, 200, { version: '0.0.0-test' });
      return;
    }
    if (!openai && !ollama) {
      this.sendJson(res, 404, ollama ? { error: 'not found' } : { error: { message: `Unknown path ${path}`, type: 'invalid_request_error', code: 'unknown_url' } });
      return;
    }
    if (req.method !== 'POST' || !record.json || !Array.isArray(record.json.messages)) {
      this.sendJson(res, 400, { error: { message: "'messages' is a required property", type: 'invalid_request_error', param: 'messages', code: null } });
      return;
    }
    const model: string = record.json.model ?? '';
    if (!this.knownModel(model)) {
      if (ollama) this.sendJson(res, 404, { error: `model '${model}' not found` });
      else if (scenario === 'vllm-flat-404') this.sendJson(res, 404, { object: 'error', message: `The model \`${model}\` does not exist.`, type: 'NotFoundError', param: null, code: 404 });
      else this.sendJson(res, 404, { error: { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' } });
      return;
    }
    if (openai && scenario === 'reject-stream-options' && record.json.stream_options !== undefined) {
      this.sendJson(res, 400, { error: { message: 'Unrecognized request argument supplied: stream_options', type: 'invalid_request_error', param: null, code: null } });
      return;
    }
    if (openai && scenario === 'reject-max-tokens' && record.json.max_tokens !== undefined) {
      this.sendJson(res, 400, {
        error: { message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", type: 'invalid_request_error', param: 'max_tokens', code: 'unsupported_parameter' },
      });
      return;
    }
    if (openai && /^tokens-\d+$/.test(scenario) && record.json.stream === true && !record.json.logprobs) {
      await this.tokenStream(record.json, res, Number(scenario.slice(7)));
      return;
    }
    const reply = this.replyFor(record.json.messages, scenario);
    if (ollama) await this.ollamaChat(record, res, scenario, reply);
    else await this.openaiChat(record, res, scenario, reply);
  }

  private knownModel(model: string): boolean {
    if (this.models.includes(model)) return true;
    if (/missing|not-pulled/.test(model) || model === 'vllm-flat-404') return false;
    return /^(split-every-byte|one-chunk|crlf|comments|event-lines|chinese-split|no-done|cut-mid-stream|ignore-stream|invalid-json|mid-stream-error|bare-error-line|event-error|hang-after-\d+|keepalive-slow|slow|endless|endless-fast|drip-comments|tokens-\d+|reasoning|reasoning-field|logprobs|llamacpp|reject-stream-options|reject-max-tokens|redirect-localhost|thinking|ollama-mid-error|http-.+)$/.test(model);
  }

  private shouldFail(scenario: string, failure: HttpScenario): boolean {
    if (!failure.once) return true;
    const seen = this.counters.get(scenario) ?? 0;
    this.counters.set(scenario, seen + 1);
    return seen === 0;
  }

  private sendJson(res: http.ServerResponse, status: number, value: unknown): void {
    const text = JSON.stringify(value);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private sendHttpError(res: http.ServerResponse, failure: HttpScenario, ollama: boolean): void {
    const headers: http.OutgoingHttpHeaders = {};
    if (failure.retryAfter) {
      const { kind, value } = failure.retryAfter;
      if (kind === 'ms') headers['retry-after-ms'] = String(value);
      else if (kind === 'date') headers['retry-after'] = new Date(Date.now() + value * 1000).toUTCString();
      else headers['retry-after'] = String(value);
    }
    const known = STATUS_TEXT[failure.status] ?? { type: 'server_error', code: null, message: `Error ${failure.status}` };
    const info = failure.quota
      ? { type: 'insufficient_quota', code: 'insufficient_quota', message: 'You exceeded your current quota, please check your plan and billing details.' }
      : known;
    let body: string;
    if (failure.style === 'html') {
      headers['content-type'] = 'text/html';
      body = `<!DOCTYPE html><html><head><title>${failure.status} ${http.STATUS_CODES[failure.status] ?? ''}</title><style>body{font-family:sans-serif}</style><script>var x = "<b>not shown</b>";</script></head><body><center><h1>${failure.status} ${http.STATUS_CODES[failure.status] ?? ''}</h1></center><hr><center>nginx/1.25.3</center></body></html>`;
    } else if (failure.style === 'text') {
      headers['content-type'] = 'text/plain';
      body = `${failure.status} ${info.message}`;
    } else if (failure.style === 'flat' || ollama) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(ollama ? { error: info.message } : { object: 'error', message: info.message, type: info.type, param: null, code: failure.status });
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify({ error: { message: info.message, type: info.type, param: null, code: info.code } });
    }
    res.writeHead(failure.status, headers);
    res.end(body);
  }

  private replyFor(messages: Message[], scenario: string): { text: string; reasoning?: string } {
    if (scenario === 'chinese-split') return { text: '你好，世界！思维链让模型一步一步地推理。' };
    if (scenario.startsWith('tokens-')) {
      const n = Number(scenario.slice(7));
      return { text: Array.from({ length: n }, (_, i) => ` w${i % 1000}`).join('') };
    }
    const all = messages.map((m) => String(m.content ?? '')).join('\n');
    const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    for (const rule of this.rules) {
      const subject = rule.lastUserOnly ? String(lastUser) : all;
      const hit = typeof rule.match === 'string' ? subject.includes(rule.match) : new RegExp(rule.match.source, rule.match.flags.replace('g', '')).test(subject);
      if (hit) return { text: rule.reply, reasoning: rule.reasoning };
    }
    const reasoning = scenario === 'reasoning' || scenario === 'reasoning-field' || scenario === 'thinking' ? 'First, 5 + 6 = 11. So the total is 11.' : undefined;
    return { text: this.fallbackReply, reasoning };
  }

  /** Tokens after stop sequences and max tokens; finish reason to report. */
  private plan(json: ChatBody, reply: { text: string; reasoning?: string }, maxTokens: number | undefined): { tokens: string[]; reasoning: string[]; finish: string } {
    let text = reply.text;
    const stops: string[] = Array.isArray(json.stop) ? json.stop : typeof json.stop === 'string' ? [json.stop] : (json.options?.stop ?? []);
    for (const stop of stops) {
      const at = text.indexOf(stop);
      if (stop && at >= 0) text = text.slice(0, at);
    }
    let tokens = tokenize(text);
    let finish = 'stop';
    if (typeof maxTokens === 'number' && tokens.length > maxTokens) {
      tokens = tokens.slice(0, maxTokens);
      finish = 'length';
    }
    return { tokens, reasoning: reply.reasoning ? tokenize(reply.reasoning) : [], finish };
  }

  private async openaiChat(record: RecordedRequest, res: http.ServerResponse, scenario: string, reply: { text: string; reasoning?: string }): Promise<void> {
    const json = record.json!;
    const id = `chatcmpl-${record.id}`;
    const created = Math.floor(Date.now() / 1000);
    const model = json.model ?? '';
    // tokens-N streams exactly N tokens whatever max_tokens says (a stream benchmark runs it through a demo that sets a limit).
    const { tokens, reasoning, finish } = this.plan(json, reply, scenario.startsWith('tokens-') ? undefined : (json.max_tokens ?? json.max_completion_tokens));
    const wantLogprobs = json.logprobs === true || scenario === 'logprobs';
    const topN: number = typeof json.top_logprobs === 'number' ? json.top_logprobs : wantLogprobs ? 2 : 0;
    const logprobsFor = (token: string, i: number): unknown =>
      wantLogprobs
        ? {
            content: [
              {
                token,
                logprob: -0.01 * (i + 1),
                bytes: [...Buffer.from(token)],
                top_logprobs: Array.from({ length: topN }, (_, k) => ({ token: k === 0 ? token : `${token}~${k}`, logprob: -0.01 * (i + 1) - k, bytes: [] })),
              },
            ],
          }
        : null;
    const promptTokens = promptTokenCount(json);
    const usage = { prompt_tokens: promptTokens, completion_tokens: tokens.length, total_tokens: promptTokens + tokens.length };
    const reasoningField = scenario === 'reasoning-field' ? 'reasoning' : 'reasoning_content';

    if (scenario === 'ignore-stream' || json.stream !== true) {
      const message: Record<string, unknown> = { role: 'assistant', content: tokens.join('') };
      if (reasoning.length) message[reasoningField] = reasoning.join('');
      this.sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, logprobs: wantLogprobs ? { content: tokens.map((tok, i) => (logprobsFor(tok, i) as { content: unknown[] }).content[0]) } : null, finish_reason: finish }],
        usage,
      });
      return;
    }

    const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}, finishReason: string | null = null): string =>
      JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_test', choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason, ...extra }], usage: null, obfuscation: 'x1' });
    const frames: string[] = [];
    const data = (payload: string): void => void frames.push(`data: ${payload}\n\n`);
    data(chunk({ role: 'assistant', content: scenario === 'llamacpp' ? null : '' }));
    reasoning.forEach((r) => data(chunk({ [reasoningField]: r })));
    tokens.forEach((tok, i) => data(chunk({ content: tok }, { logprobs: logprobsFor(tok, i) })));
    const tokenFramesEnd = frames.length;
    data(chunk({}, {}, finish));
    if (json.stream_options?.include_usage) data(JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage }));
    if (scenario !== 'no-done') frames.push(scenario === 'llamacpp' ? 'data: [DONE]\n' : 'data: [DONE]\n\n');

    // Misbehaviours that change the frames.
    const firstTokenFrame = 1 + reasoning.length;
    if (scenario === 'invalid-json') frames.splice(firstTokenFrame + 1, 0, 'data: {"choices":[{"index":0,"delta":{"content":"oops"}\n\n');
    if (scenario === 'mid-stream-error') frames.splice(firstTokenFrame + 2, frames.length, `data: ${JSON.stringify({ error: { message: 'CUDA out of memory while generating', type: 'server_error', code: 500 } })}\n\n`, 'data: [DONE]\n\n');
    if (scenario === 'bare-error-line') frames.splice(firstTokenFrame + 2, frames.length, `error: ${JSON.stringify({ message: 'slot unavailable', code: 503 })}\n\n`);
    if (scenario === 'event-error') frames.splice(firstTokenFrame + 2, frames.length, `event: error\ndata: ${JSON.stringify({ message: 'upstream provider failed' })}\n\n`);
    if (scenario === 'cut-mid-stream') frames.splice(Math.min(firstTokenFrame + 2, tokenFramesEnd), frames.length);
    if (scenario === 'event-lines') for (let i = 0; i < frames.length; i++) frames[i] = `event: message\nid: ${i}\n${frames[i]}`;
    if (scenario === 'comments' || scenario === 'llamacpp') {
      for (let i = frames.length - 1; i > 0; i--) frames.splice(i, 0, i % 2 ? ': ping\n\n' : ':\n\n');
      frames.unshift(': OPENROUTER PROCESSING\n\n');
    }
    if (scenario === 'crlf') for (let i = 0; i < frames.length; i++) frames[i] = frames[i].replace(/\n/g, '\r\n');

    res.writeHead(200, SSE_HEADERS);
    await this.writeFrames(res, frames, scenario);
  }

  /** tokens-N, streamed: exactly N tokens (whatever max_tokens or stop say), then usage when asked and [DONE]. */
  private async tokenStream(json: ChatBody, res: http.ServerResponse, n: number): Promise<void> {
    const model = json.model ?? '';
    let frames = this.tokenStreams.get(model);
    if (!frames) {
      const head = { id: `chatcmpl-t${n}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, system_fingerprint: 'fp_test' };
      const frame = (delta: Record<string, unknown>, finishReason: string | null = null): string =>
        `data: ${JSON.stringify({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], usage: null, obfuscation: 'x1' })}\n\n`;
      frames = [frame({ role: 'assistant', content: '' }), ...Array.from({ length: n }, (_, i) => frame({ content: ` w${i % 1000}` })), frame({}, 'stop')];
      this.tokenStreams.set(model, frames);
    }
    const tail: string[] = [];
    if (json.stream_options?.include_usage) {
      const promptTokens = promptTokenCount(json);
      const usage = { prompt_tokens: promptTokens, completion_tokens: n, total_tokens: promptTokens + n };
      tail.push(`data: ${JSON.stringify({ id: `chatcmpl-t${n}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices: [], usage })}\n\n`);
    }
    tail.push('data: [DONE]\n\n');
    res.writeHead(200, SSE_HEADERS);
    await this.writeFrames(res, [...frames, ...tail], 'tokens-');
  }

  private async ollamaChat(record: RecordedRequest, res: http.ServerResponse, scenario: string, reply: { text: string; reasoning?: string }): Promise<void> {
    const json = record.json!;
    const model = json.model ?? '';
    const { tokens, reasoning, finish } = this.plan(json, reply, json.options?.num_predict);
    const at = (): string => new Date().toISOString();
    const wantLogprobs = json.logprobs === true;
    const promptTokens = promptTokenCount(json);
    const last = {
      model,
      created_at: at(),
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: finish,
      total_duration: 5_000_000,
      load_duration: 1_000_000,
      prompt_eval_count: promptTokens,
      prompt_eval_duration: 1_000_000,
      eval_count: tokens.length,
      eval_duration: 3_000_000,
    };
    if (json.stream === false) {
      this.sendJson(res, 200, { ...last, message: { role: 'assistant', content: tokens.join(''), ...(reasoning.length ? { thinking: reasoning.join('') } : {}) } });
      return;
    }
    const frames: string[] = [];
    const line = (value: unknown): void => void frames.push(`${JSON.stringify(value)}\n`);
    reasoning.forEach((r) => line({ model, created_at: at(), message: { role: 'assistant', content: '', thinking: r }, done: false }));
    tokens.forEach((tok, i) =>
      line({
        model,
        created_at: at(),
        message: { role: 'assistant', content: tok },
        done: false,
        ...(wantLogprobs ? { logprobs: [{ token: tok, logprob: -0.01 * (i + 1), top_logprobs: [{ token: tok, logprob: -0.01 * (i + 1) }, { token: `${tok}~1`, logprob: -1 - 0.01 * i }] }] } : {}),
      }),
    );
    line(last);
    const firstToken = reasoning.length;
    if (scenario === 'ollama-mid-error') frames.splice(firstToken + 2, frames.length, `${JSON.stringify({ error: 'an error was encountered while running the model: unexpected EOF' })}\n`);
    if (scenario === 'cut-mid-stream') frames.splice(firstToken + 2, frames.length);
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    await this.writeFrames(res, frames, scenario);
  }

  /** Resolves when the socket can take more (or closed). */
  private drained(res: http.ServerResponse): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }

  /** Writes frames as the scenario says: one write each, byte by byte, all at once, hanging, slowly, forever. */
  private async writeFrames(res: http.ServerResponse, frames: string[], scenario: string): Promise<void> {
    const alive = (): boolean => !res.destroyed && !res.writableEnded;
    const hang = /^hang-after-(\d+)$/.exec(scenario);
    if (hang) {
      // Headers, N frames after the role chunk, then silence with the socket left open.
      frames.slice(0, Number(hang[1]) + 1).forEach((f) => res.write(f));
      return;
    }
    if (scenario === 'split-every-byte' || scenario === 'chinese-split') {
      const bytes = Buffer.from(frames.join(''));
      for (let i = 0; i < bytes.length && alive(); i++) {
        res.write(bytes.subarray(i, i + 1));
        await new Promise((resolve) => setImmediate(resolve));
      }
      res.end();
      return;
    }
    if (scenario === 'one-chunk') {
      res.end(frames.join(''));
      return;
    }
    if (scenario === 'keepalive-slow') {
      // 8 keep-alive comments 100 ms apart (longer than a 300 ms timeout in total), then the answer.
      for (let i = 0; i < 8 && alive(); i++) {
        res.write(': keep-alive\n\n');
        await this.later(100);
      }
    }
    if (scenario === 'slow') {
      for (const frame of frames) {
        if (!alive()) return;
        res.write(frame);
        await this.later(30);
      }
      res.end();
      return;
    }
    if (scenario === 'drip-comments') {
      // Something every 50 ms, but never an event or a line with data: an SSE comment, or a blank NDJSON line.
      const ping = frames[0].startsWith('data:') ? ': keep-alive\n\n' : '\n';
      while (alive()) {
        res.write(ping);
        await this.later(50);
      }
      return;
    }
    if (scenario === 'endless-fast') {
      // Token frames in 64 KiB writes, as fast as the client reads, until it leaves.
      res.write(frames[0]);
      const block = frames[1].repeat(Math.ceil(65536 / frames[1].length));
      while (alive()) {
        if (!res.write(block)) {
          await this.drained(res);
        }
      }
      return;
    }
    if (scenario === 'endless') {
      // The first frame, then the first token frame again and again every 20 ms until the client leaves.
      res.write(frames[0]);
      while (alive()) {
        res.write(frames[1]);
        await this.later(20);
      }
      return;
    }
    if (scenario.startsWith('tokens-')) {
      // One write per token, as a real server flushes, waiting for the socket when its buffer is full.
      for (let i = 0; i < frames.length; i++) {
        if (!alive()) return;
        if (!res.write(frames[i])) {
          await this.drained(res);
        }
      }
      res.end();
      return;
    }
    for (const frame of frames) {
      if (!alive()) return;
      res.write(frame);
    }
    res.end();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const server = await ModelServer.start({ port: Number(option('--port') ?? 0), host: option('--host') ?? '127.0.0.1' });
  process.stdout.write(`llm-lab model server listening on ${server.origin} (OpenAI: ${server.baseUrl}, Ollama: ${server.origin})\n`);
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) void main();
