/** The contract between the provider layer and everything that runs prompts (demos, commands, prompt files). */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  /** Empty or undefined: the provider's configured/default model. */
  model?: string;
  messages: ChatMessage[];
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  /** Ask for per-token log-probabilities (next-token demo) where the server supports it. */
  logprobs?: boolean;
  topLogprobs?: number;
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  top: { token: string; logprob: number }[];
}

export type StreamEvent =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'logprobs'; tokens: TokenLogprob[] }
  | { type: 'usage'; promptTokens?: number; completionTokens?: number; totalTokens?: number }
  | { type: 'retry'; attempt: number; waitMs: number; reason: string }
  | { type: 'done'; finishReason?: string; model?: string; ttftMs?: number; totalMs: number; tokensPerSecond?: number };

export type LlmErrorKind =
  | 'unreachable'
  | 'auth'
  | 'notFound'
  | 'rateLimited'
  | 'server'
  | 'badResponse'
  | 'timeout'
  | 'cancelled'
  | 'noProvider'
  | 'untrusted'
  | 'invalidInput';

export interface LlmErrorDetails {
  status?: number;
  retryAfterMs?: number;
  model?: string;
  serverMessage?: string;
  /** Finer cause within the kind, e.g. 'dns', 'refused', 'quota', 'ollamaModelMissing', 'idle' (see errorMessages.ts). */
  reason?: string;
  /** host:port the request went to. */
  host?: string;
  /** The request parameter the server named in a 400 (OpenAI `error.param`). */
  param?: string;
}

export class LlmError extends Error {
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly details: LlmErrorDetails = {},
  ) {
    super(message);
    this.name = 'LlmError';
  }
}

export type ProviderId = 'openai-compatible' | 'ollama' | 'vscode-lm' | 'builtin' | 'local';

export interface ChatProvider {
  readonly id: ProviderId;
  /** Human label, e.g. "Ollama (127.0.0.1:11434)". */
  readonly label: string;
  /** For the status bar, e.g. "Ollama", "LM Studio", "api.openai.com". */
  readonly shortLabel?: string;
  readonly baseUrl?: string;
  /** The model used when a request names none. */
  readonly defaultModel?: string;
  listModels(signal: AbortSignal): Promise<string[]>;
  /** Streams events; throws LlmError (never anything else) on failure, kind 'cancelled' on abort. */
  chat(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent>;
}

/** Everything a run produced, gathered from its events (LlmService.stream resolves to this). */
export interface ChatResult {
  text: string;
  reasoning: string;
  logprobs: TokenLogprob[];
  usage?: { promptTokens?: number; completionTokens?: number; totalTokens?: number };
  finishReason?: string;
  model?: string;
  provider: ProviderId;
  providerLabel: string;
  ttftMs?: number;
  totalMs: number;
  tokensPerSecond?: number;
}

export interface StreamOptions {
  /** Aborting it cancels the request (the HTTP request itself). */
  signal?: AbortSignal;
  /** Default: the `llmLab.provider` setting. A ChatProvider object is used as is. */
  provider?: ProviderId | 'auto' | ChatProvider;
  baseUrl?: string;
  /** Called for every event as it arrives (text deltas for live output). */
  onEvent?: (event: StreamEvent) => void;
  /** A new run with the same key cancels the previous one (e.g. one key per panel). */
  runKey?: string;
}

export interface ConnectionTestResult {
  ok: boolean;
  provider: ProviderId | 'auto';
  baseUrl?: string;
  models: string[];
  model?: string;
  error?: { kind: LlmErrorKind; message: string };
}

/** What a notification about an error offers; the adapter turns `id` into a command. */
export interface ErrorAction {
  id: 'openSettings' | 'testConnection' | 'showLog' | 'setApiKey' | 'selectModel' | 'openLecture' | 'copyCommand' | 'manageTrust' | 'downloadModel';
  label: string;
  /** openSettings: the settings query; copyCommand: the text to copy; downloadModel: a catalog id (none: pick). */
  value?: string;
}

/** The one entry point demos, selection commands and prompt files use (created by registerLlm). */
export interface LlmService {
  resolveProvider(opts?: { provider?: ProviderId | 'auto'; baseUrl?: string; signal?: AbortSignal }): Promise<ChatProvider>;
  /** Runs one request; resolves with everything it produced, rejects with LlmError only. */
  stream(request: ChatRequest, options?: StreamOptions): Promise<ChatResult>;
  testConnection(): Promise<ConnectionTestResult>;
  /** Cancels every running request (and whatever registered with onCancelAll); returns how many were running. */
  cancelAll(): number;
  /** Work that does not go through `stream` (the built-in model, a demo waiting to run code) stops on cancelAll too. */
  onCancelAll(hook: () => number): { dispose(): void };
  /** One user message with its actions for any error (LlmError or not). */
  describeError(error: unknown): { kind: LlmErrorKind; message: string; actions: ErrorAction[] };
  /** Shows the error as a notification with its actions (nothing for 'cancelled'). */
  showError(error: unknown): void;
}
