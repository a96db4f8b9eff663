/**
 * Messages of the program sandbox. Three parties: the extension (host), the sandbox page (a webview:
 * consent UI and run manager) and one Web Worker per run (the interpreter). Shared by both sides.
 */

export type SandboxLanguage = 'python' | 'javascript';

export interface SandboxLimits {
  /** Wall-clock time for the program itself (the interpreter's start-up is not counted). */
  timeLimitMs: number;
  /** stdout + stderr in bytes (UTF-8); more ends the run. */
  outputLimitBytes: number;
  /** The interpreter's linear memory (WebAssembly memory maximum / QuickJS allocator limit). */
  memoryLimitBytes: number;
  /** Ceiling for starting the interpreter (a cold Pyodide start takes seconds on a slow machine). */
  startLimitMs: number;
}

/** Why a run ended. `ok` only when the program finished by itself without an uncaught error. */
export type SandboxEnd = 'ok' | 'error' | 'timeout' | 'outputLimit' | 'cancelled' | 'crashed' | 'startFailed';

export interface SandboxRunResult {
  end: SandboxEnd;
  stdout: string;
  stderr: string;
  /** Time the program ran (after the interpreter was ready). */
  durationMs: number;
  /** Time to get an interpreter (0 when one was already waiting). */
  startMs: number;
}

/** The interpreter files, sent once per page: the page never fetches anything (CSP connect-src 'none'). */
export interface RuntimeFiles {
  /** The worker's own source (a blob: worker is made from it). */
  workerSource: string;
  python?: { wasm: Uint8Array; stdlib: Uint8Array; lock: string };
  javascript?: { wasm: Uint8Array };
}

export interface ConsentRequest {
  id: string;
  language: SandboxLanguage;
  /** The whole program, exactly as it will run. */
  program: string;
  /** The demo run it belongs to, e.g. "PAL (Python)". */
  label: string;
}

export type ConsentAnswer = 'run' | 'always' | 'decline';

// ---- extension → page ----
export type ToSandboxPage =
  | { type: 'init'; lang: string; strings: Record<string, string>; limits: SandboxLimits }
  | { type: 'runtime'; language: SandboxLanguage; files: RuntimeFiles }
  | { type: 'ask'; request: ConsentRequest }
  | { type: 'withdraw'; id: string }
  | { type: 'run'; id: string; language: SandboxLanguage; program: string; label: string; limits: SandboxLimits }
  | { type: 'cancel'; id: string }
  | { type: 'warm'; language: SandboxLanguage };

// ---- page → extension ----
export type FromSandboxPage =
  | { type: 'ready' }
  | { type: 'needRuntime'; language: SandboxLanguage }
  | { type: 'answer'; id: string; answer: ConsentAnswer }
  | { type: 'output'; id: string; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'done'; id: string; result: SandboxRunResult }
  /** What happened inside the page (interpreter start times, failures), for the LLM Lab log. */
  | { type: 'log'; text: string };

// ---- page ↔ worker ----
export type ToSandboxWorker =
  | { type: 'load'; language: SandboxLanguage; files: RuntimeFiles; limits: SandboxLimits }
  | { type: 'run'; program: string };

export type FromSandboxWorker =
  | { type: 'loaded'; ms: number }
  | { type: 'started' }
  | { type: 'output'; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'outputLimit' }
  | { type: 'exit'; ok: boolean }
  | { type: 'loadFailed'; message: string };

const LANGUAGES: readonly string[] = ['python', 'javascript'];
const ANSWERS: readonly string[] = ['run', 'always', 'decline'];
const ENDS: readonly string[] = ['ok', 'error', 'timeout', 'outputLimit', 'cancelled', 'crashed', 'startFailed'];
const MAX_ID = 100;
/** One output message at most; the page also enforces the run's total. */
export const MAX_OUTPUT_MESSAGE = 64 * 1024;

const isString = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * Validates a message from the sandbox page. The page is ours, but the worker it hosts runs a model's
 * program, so everything that crosses is checked for shape and size before the extension acts on it.
 */
export function parseFromSandboxPage(raw: unknown): FromSandboxPage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'needRuntime':
      return typeof m.language === 'string' && LANGUAGES.includes(m.language) ? { type: 'needRuntime', language: m.language as SandboxLanguage } : undefined;
    case 'answer':
      return isString(m.id, MAX_ID) && typeof m.answer === 'string' && ANSWERS.includes(m.answer)
        ? { type: 'answer', id: m.id, answer: m.answer as ConsentAnswer }
        : undefined;
    case 'output':
      return isString(m.id, MAX_ID) && (m.stream === 'stdout' || m.stream === 'stderr') && isString(m.text, MAX_OUTPUT_MESSAGE)
        ? { type: 'output', id: m.id, stream: m.stream, text: m.text }
        : undefined;
    case 'done': {
      const r = m.result as Record<string, unknown> | undefined;
      if (!isString(m.id, MAX_ID) || typeof r !== 'object' || r === null) return undefined;
      if (typeof r.end !== 'string' || !ENDS.includes(r.end) || !isString(r.stdout, 4 * 1024 * 1024) || !isString(r.stderr, 4 * 1024 * 1024)) return undefined;
      if (!isNumber(r.durationMs) || !isNumber(r.startMs)) return undefined;
      return { type: 'done', id: m.id, result: { end: r.end as SandboxEnd, stdout: r.stdout, stderr: r.stderr, durationMs: r.durationMs, startMs: r.startMs } };
    }
    case 'log':
      return isString(m.text, 2000) ? { type: 'log', text: m.text } : undefined;
    default:
      return undefined;
  }
}
