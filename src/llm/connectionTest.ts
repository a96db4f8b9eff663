import { createLlmError, hostOf, toLlmError } from './errors';
import { ChatProvider, ConnectionTestResult, LlmError, ProviderId } from './types';

/**
 * Reachability, auth and the model in one check: lists the endpoint's models (that needs the key where
 * one is required) and checks the configured model is among them.
 */
export async function testProvider(provider: ChatProvider, configuredModel: string, signal: AbortSignal): Promise<{ result: ConnectionTestResult; error?: LlmError }> {
  const result: ConnectionTestResult = { ok: false, provider: provider.id, baseUrl: provider.baseUrl, models: [] };
  try {
    result.models = await provider.listModels(signal);
  } catch (error) {
    return withError(result, toLlmError(error, { url: provider.baseUrl, provider: provider.id }));
  }
  const host = hostOf(provider.baseUrl) ?? provider.label;
  if (!result.models.length) {
    return withError(result, createLlmError({ kind: provider.id === 'vscode-lm' ? 'noProvider' : 'notFound', reason: provider.id === 'vscode-lm' ? 'noEditorModels' : 'noModels', host, provider: provider.id }));
  }
  const wanted = configuredModel || provider.defaultModel;
  if (wanted && !result.models.includes(wanted)) {
    const reason = provider.id === 'ollama' ? 'ollamaModelMissing' : provider.id === 'vscode-lm' ? 'editorModelMissing' : 'modelMissing';
    return withError(result, createLlmError({ kind: 'notFound', reason, host, model: wanted, provider: provider.id, serverMessage: result.models.slice(0, 5).join(', ') }));
  }
  result.ok = true;
  result.model = wanted || result.models[0];
  return { result };
}

export function failedTest(error: unknown, provider: ProviderId | 'auto', baseUrl?: string): { result: ConnectionTestResult; error: LlmError } {
  return withError({ ok: false, provider, baseUrl, models: [] }, toLlmError(error));
}

function withError(result: ConnectionTestResult, error: LlmError): { result: ConnectionTestResult; error: LlmError } {
  return { result: { ...result, ok: false, error: { kind: error.kind, message: error.message } }, error };
}
