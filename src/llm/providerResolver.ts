import { AutoDetector } from './autoDetect';
import { cancelledError, createLlmError } from './errors';
import { HttpClient, originOf } from './http';
import { OllamaProvider } from './ollama/ollamaProvider';
import { OpenAiCompatibleProvider } from './openaiCompatible/openAiCompatibleProvider';
import { ChatProvider, ProviderId } from './types';

export interface ProviderSettings {
  provider: ProviderId | 'auto';
  /** llmLab.baseUrl (application scope). */
  baseUrl: string;
  model: string;
}

export interface ResolverDeps {
  http: HttpClient;
  detector: AutoDetector;
  /** The editor's language models as a provider (vscode-lm adapter), or undefined when there are none. */
  editorProvider?: (defaultModel: string) => Promise<ChatProvider | undefined>;
  /** A GGUF model LLM Lab runs itself (src/local), or undefined when none is downloaded or chosen. */
  localProvider?: () => Promise<ChatProvider | undefined>;
}

/**
 * Which provider a run uses:
 * - an explicit provider uses the given or configured base URL;
 * - `auto` with a base URL set uses it (setting one is a choice); otherwise the editor's models, else the
 *   first local server that answers (Ollama natively, the others through /v1), else a downloaded local
 *   model (llama.cpp inside LLM Lab), else 'noProvider'.
 */
export async function resolveProvider(
  want: { provider?: ProviderId | 'auto'; baseUrl?: string },
  settings: ProviderSettings,
  deps: ResolverDeps,
  signal: AbortSignal,
): Promise<ChatProvider> {
  const id = want.provider ?? settings.provider;
  const baseUrl = (want.baseUrl ?? settings.baseUrl).trim();
  const model = settings.model;
  if (baseUrl && !originOf(baseUrl)) throw createLlmError({ kind: 'invalidInput', reason: 'badUrl', serverMessage: baseUrl });
  switch (id) {
    case 'builtin':
      throw createLlmError({ kind: 'invalidInput', reason: 'builtin' });
    case 'openai-compatible':
      if (!baseUrl) throw createLlmError({ kind: 'noProvider', reason: 'noBaseUrl' });
      return new OpenAiCompatibleProvider(baseUrl, deps.http, { defaultModel: model });
    case 'ollama':
      return new OllamaProvider(baseUrl || undefined, deps.http, { defaultModel: model });
    case 'vscode-lm': {
      const provider = await deps.editorProvider?.(model);
      if (!provider) throw createLlmError({ kind: 'noProvider', reason: 'noEditorModels' });
      return provider;
    }
    case 'local': {
      const provider = await deps.localProvider?.();
      if (!provider) throw createLlmError({ kind: 'noProvider', reason: 'noLocalModel' });
      return provider;
    }
    case 'auto':
      break;
  }
  if (baseUrl) return new OpenAiCompatibleProvider(baseUrl, deps.http, { defaultModel: model });
  let detection;
  try {
    detection = await deps.detector.detect(signal);
  } catch {
    throw cancelledError();
  }
  if (detection.kind === 'vscode-lm') {
    const provider = await deps.editorProvider?.(model);
    if (provider) return provider;
    deps.detector.invalidate();
    throw createLlmError({ kind: 'noProvider' });
  }
  if (detection.kind === 'none') {
    const local = await deps.localProvider?.();
    if (local) return local;
    throw createLlmError({ kind: 'noProvider' });
  }
  const { probe, models } = detection;
  // The configured model only if this server has it; otherwise its first model.
  const defaultModel = models.includes(model) ? model : models[0];
  const label = `${probe.name} (${new URL(probe.baseUrl).host})`;
  return probe.provider === 'ollama'
    ? new OllamaProvider(probe.baseUrl, deps.http, { label, defaultModel })
    : new OpenAiCompatibleProvider(probe.baseUrl, deps.http, { label, shortLabel: probe.name, defaultModel });
}
