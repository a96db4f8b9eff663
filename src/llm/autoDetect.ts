import { HttpClient, joinUrl } from './http';

/** A local server `auto` looks for. `baseUrl` is what the provider is built with. */
export interface Probe {
  name: string;
  provider: 'ollama' | 'openai-compatible';
  baseUrl: string;
}

export const PROBE_TIMEOUT_MS = 600;

/** In priority order: Ollama, LM Studio, llama.cpp, vLLM (their default ports). */
export function defaultProbes(host = '127.0.0.1'): Probe[] {
  return [
    { name: 'Ollama', provider: 'ollama', baseUrl: `http://${host}:11434` },
    { name: 'LM Studio', provider: 'openai-compatible', baseUrl: `http://${host}:1234/v1` },
    { name: 'llama.cpp', provider: 'openai-compatible', baseUrl: `http://${host}:8080/v1` },
    { name: 'vLLM', provider: 'openai-compatible', baseUrl: `http://${host}:8000/v1` },
  ];
}

export type Detection =
  | { kind: 'vscode-lm' }
  | { kind: 'server'; probe: Probe; models: string[] }
  | { kind: 'none' };

/** Asks one server for its models; undefined unless it answers 2xx with the expected shape in time. */
export async function probeServer(http: HttpClient, probe: Probe, signal: AbortSignal, timeoutMs = PROBE_TIMEOUT_MS): Promise<string[] | undefined> {
  const url = joinUrl(probe.baseUrl, probe.provider === 'ollama' ? 'api/tags' : 'models');
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  try {
    const response = await http.open({ method: 'GET', url, signal: deadline, timeoutMs, auth: false });
    if (!response.ok) {
      response.close();
      return undefined;
    }
    const json = JSON.parse(await response.text(1024 * 1024)) as { models?: { name?: unknown }[]; data?: { id?: unknown }[] };
    const list = probe.provider === 'ollama' ? json.models?.map((m) => m.name) : json.data?.map((m) => m.id);
    return Array.isArray(list) ? list.filter((m): m is string => typeof m === 'string') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * All probes start at once (each ≤ 600 ms); the answer is the highest-priority server that answered,
 * returned as soon as every server before it has failed.
 */
export async function probeServers(http: HttpClient, probes: Probe[], signal: AbortSignal, timeoutMs = PROBE_TIMEOUT_MS): Promise<Detection> {
  const stop = new AbortController();
  const both = AbortSignal.any([signal, stop.signal]);
  const pending = probes.map((probe) => probeServer(http, probe, both, timeoutMs));
  try {
    for (let i = 0; i < probes.length; i++) {
      const models = await pending[i];
      if (models) return { kind: 'server', probe: probes[i], models };
    }
    return { kind: 'none' };
  } finally {
    stop.abort();
  }
}

export interface AutoDetectorOptions {
  http: HttpClient;
  probes?: () => Probe[];
  /** Whether the editor offers language models (vscode.lm); the adapter provides it. */
  hasEditorModels?: () => Promise<boolean>;
  ttlMs?: number;
  timeoutMs?: number;
}

/** `auto`: the editor's models, else the first local server; the result is kept briefly. */
export class AutoDetector {
  private cached: { at: number; ttl: number; value: Promise<Detection> } | undefined;

  constructor(private readonly options: AutoDetectorOptions) {}

  /** Cancelling `signal` abandons the wait, not the shared detection. */
  detect(signal?: AbortSignal): Promise<Detection> {
    const now = performance.now();
    const fresh = this.cached && now - this.cached.at < this.cached.ttl;
    if (!fresh) {
      const entry = { at: now, ttl: this.options.ttlMs ?? 30_000, value: this.run() };
      this.cached = entry;
      // "Nothing found" is kept only a few seconds: the user may be starting a server right now.
      void entry.value.then((d) => {
        if (d.kind === 'none') entry.ttl = Math.min(entry.ttl, 5000);
      });
    }
    return signal ? abandonOnAbort(this.cached!.value, signal) : this.cached!.value;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async run(): Promise<Detection> {
    if (await this.options.hasEditorModels?.().catch(() => false)) return { kind: 'vscode-lm' };
    const probes = this.options.probes?.() ?? defaultProbes();
    return probeServers(this.options.http, probes, new AbortController().signal, this.options.timeoutMs);
  }
}

function abandonOnAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new DOMException('aborted', 'AbortError'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new DOMException('aborted', 'AbortError'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
