import { t } from '../core/l10n';
import { ErrorAction, LlmError, LlmErrorKind, ProviderId } from './types';

/** What errors.ts knows when it builds an LlmError; the message is derived from it here, in one place. */
export interface ErrorInfo {
  kind: LlmErrorKind;
  reason?: string;
  /** host:port (or the provider's label when there is no host). */
  host?: string;
  status?: number;
  serverMessage?: string;
  model?: string;
  provider?: ProviderId;
  retryAfterMs?: number;
  timeoutMs?: number;
  /** badResponse: what was malformed, already a user-facing phrase. */
  what?: string;
  /** network errors: the system's code, e.g. ECONNRESET. */
  code?: string;
}

const SETTINGS_QUERY = '@ext:llmlab.llm-lab';

function seconds(ms: number | undefined): number {
  return Math.max(1, Math.ceil((ms ?? 0) / 1000));
}

function isLoopback(host: string | undefined): boolean {
  return !!host && /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/i.test(host);
}

function looksLikeOllama(info: ErrorInfo): boolean {
  return info.provider === 'ollama' || /:11434$/.test(info.host ?? '');
}

function where(info: ErrorInfo): string {
  return info.host ?? t('the server');
}

/** The one user-facing sentence for an error: what is wrong and what to do. */
export function userMessage(info: ErrorInfo): string {
  const host = where(info);
  const server = info.serverMessage ? info.serverMessage : t('no details');
  // The local engine (src/local) words its own errors: they carry the whole sentence.
  if (info.reason?.startsWith('local') && info.serverMessage) return info.serverMessage;
  switch (info.kind) {
    case 'unreachable':
      if (info.reason === 'dns') return t('Cannot find the host {0}. Check the base URL in LLM Lab settings and your network.', host);
      if (info.reason === 'tls') return t('Cannot open a secure connection to {0} ({1}). Check the URL scheme (http or https) and the certificate.', host, info.code ?? server);
      if (info.reason === 'badPort') return t('{0} uses a port that fetch refuses to connect to. Run the server on another port.', host);
      if (looksLikeOllama(info)) return t('Cannot reach {0}. Is Ollama running? Start it with `ollama serve`.', host);
      if (isLoopback(info.host)) return t('Cannot reach {0}. Is the model server running? Start it (LM Studio, llama.cpp, vLLM…) or change the base URL.', host);
      return t('Cannot reach {0} ({1}). Check the base URL, your network and VS Code proxy settings.', host, info.code ?? server);
    case 'auth':
      if (info.reason === 'noPermissions') return t('VS Code has not allowed LLM Lab to use the model {0}. Run the demo again and choose Allow.', info.model ?? host);
      if (info.reason === 'noKey') return t('{0} needs an API key ({1}). Set one with “LLM Lab: Set API Key”.', host, server);
      return t('{0} refused the request (HTTP {1}: {2}). Set a valid API key with “LLM Lab: Set API Key”.', host, info.status ?? '?', server);
    case 'notFound':
      if (info.reason === 'ollamaModelMissing') return t('The model “{0}” is not on this Ollama server yet. Run `ollama pull {0}` in a terminal, then try again.', info.model ?? '?');
      if (info.reason === 'endpointMissing') return t('{0} has no such endpoint (HTTP 404: {1}). Check the base URL: for most servers it ends in /v1.', host, server);
      if (info.reason === 'noModels') {
        return looksLikeOllama(info)
          ? t('{0} has no models yet. Download one with `ollama pull qwen2.5:0.5b`, then try again.', host)
          : t('{0} lists no models. Load a model in the server first, then try again.', host);
      }
      if (info.reason === 'editorModelMissing') return t('The editor has no language model “{0}” any more. Pick another with “LLM Lab: Select Model”.', info.model ?? '?');
      return t('The model “{0}” is not available at {1} ({2}). Pick one it lists with “LLM Lab: Select Model”.', info.model ?? '?', host, server);
    case 'rateLimited':
      if (info.reason === 'quota') return t('{0} says the account has no quota left ({1}). Check your plan and billing; retrying will not help.', host, server);
      if (info.reason === 'blocked') return t('The editor refused the request to {0} ({1}): it limits how many requests an extension may send. Wait a minute and try again.', info.model ?? host, server);
      if (info.retryAfterMs !== undefined) return t('{0} is limiting requests. Wait {1} s and try again.', host, seconds(info.retryAfterMs));
      return t('{0} is limiting requests. Wait a little and try again.', host);
    case 'server':
      if (info.reason === 'midStream') return t('{0} reported an error in the middle of the answer: {1}. Try again; if it repeats, check the server log.', host, server);
      if (info.reason === 'connectionLost') return t('The connection to {0} closed in the middle of the answer ({1}). The server may have stopped; try again.', host, info.code ?? server);
      if (info.reason === 'unexpected') return t('Unexpected error: {0}', server);
      if (info.reason === 'editor') return t('The editor language model {0} failed: {1}.', info.model ?? host, server);
      return t('{0} failed with HTTP {1}: {2}. Try again; if it repeats, check the server log.', host, info.status ?? '?', server);
    case 'badResponse':
      return t('{0} sent a response LLM Lab cannot read: {1}.', host, info.what ?? server);
    case 'timeout':
      if (info.reason === 'idle') return t('{0} stopped sending for {1} s in the middle of the answer. Try again, or raise “llmLab.requestTimeoutSeconds”.', host, seconds(info.timeoutMs));
      return t('{0} did not answer within {1} s. The model may still be loading: try again, or raise “llmLab.requestTimeoutSeconds”.', host, seconds(info.timeoutMs));
    case 'cancelled':
      return t('Request cancelled.');
    case 'noProvider':
      if (info.reason === 'noBaseUrl') return t('No base URL is set for the OpenAI-compatible provider. Enter one (e.g. http://127.0.0.1:11434/v1) with “LLM Lab: Select Model”.');
      if (info.reason === 'noEditorModels') return t('The editor offers no language models (is GitHub Copilot or another model extension installed and signed in?). Choose another provider with “LLM Lab: Select Model”.');
      if (info.reason === 'noLocalModel') return t('No local model is downloaded yet. Download a small model (≈400 MB) with “LLM Lab: Download a Small Model…”, or use a .gguf file you have.');
      return t('No language model found: the editor offers none, no local server answered (Ollama :11434, LM Studio :1234, llama.cpp :8080, vLLM :8000) and no model is downloaded. Download a small model (≈400 MB) and LLM Lab runs it itself, start a server (e.g. `ollama serve`), or read the offline lessons.');
    case 'untrusted':
      return t('This workspace is not trusted, so LLM Lab will not do that here. Trust the workspace to continue.');
    case 'invalidInput':
      if (info.reason === 'badUrl') return t('“{0}” is not a valid http(s) base URL. Correct it in LLM Lab settings.', info.serverMessage ?? '');
      if (info.reason === 'builtin') return t('The built-in model is not a network provider; only the next-token and temperature demos use it.');
      if (info.reason === 'noMessages') return t('The request has no messages to send.');
      return t('{0} rejected the request (HTTP {1}: {2}).', host, info.status ?? '?', server);
  }
}

/** Actions for a notification about the error (first = primary). */
export function errorActions(kind: LlmErrorKind, reason?: string, model?: string): ErrorAction[] {
  const showLog: ErrorAction = { id: 'showLog', label: t('Show Log') };
  const settings: ErrorAction = { id: 'openSettings', label: t('Open Settings'), value: SETTINGS_QUERY };
  const test: ErrorAction = { id: 'testConnection', label: t('Test Connection') };
  const select: ErrorAction = { id: 'selectModel', label: t('Select Model') };
  switch (kind) {
    case 'unreachable':
      return [settings, test, showLog];
    case 'auth':
      return reason === 'noPermissions' ? [select, showLog] : [{ id: 'setApiKey', label: t('Set API Key') }, settings];
    case 'notFound':
      return reason === 'ollamaModelMissing' && model
        ? [{ id: 'copyCommand', label: t('Copy `ollama pull` Command'), value: `ollama pull ${model}` }, select]
        : [select, showLog];
    case 'rateLimited':
    case 'badResponse':
      return [showLog];
    case 'server':
      if (reason === 'localEngine') return [select, showLog];
      if (reason === 'localMemory' || reason === 'localLoad') return [{ id: 'downloadModel', label: t('Choose Another Model') }, showLog];
      return [test, showLog];
    case 'timeout':
      return [{ id: 'openSettings', label: t('Open Settings'), value: 'llmLab.requestTimeoutSeconds' }, test];
    case 'cancelled':
      return [];
    case 'noProvider':
      if (reason === 'noBaseUrl' || reason === 'noEditorModels') return [select, settings, { id: 'openLecture', label: t('Read Offline Lessons') }];
      return [{ id: 'downloadModel', label: t('Download a small model (≈400 MB)'), value: 'default' }, select, { id: 'openLecture', label: t('Read Offline Lessons') }];
    case 'untrusted':
      return [{ id: 'manageTrust', label: t('Manage Workspace Trust') }];
    case 'invalidInput':
      return [settings, showLog];
  }
}

/** Message and actions for anything thrown. */
export function describeError(error: unknown): { kind: LlmErrorKind; message: string; actions: ErrorAction[] } {
  if (error instanceof LlmError) {
    return { kind: error.kind, message: error.message, actions: errorActions(error.kind, error.details.reason, error.details.model) };
  }
  const text = error instanceof Error ? error.message : String(error);
  return { kind: 'server', message: t('Unexpected error: {0}', text), actions: errorActions('server') };
}
