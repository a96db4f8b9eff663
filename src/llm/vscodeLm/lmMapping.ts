import { createLlmError, truncate } from '../errors';
import { ChatMessage, ChatRequest, LlmError } from '../types';

/**
 * The LM API has only User and Assistant messages: system messages are folded, in order, into the first
 * user message (or become one if there is none).
 */
export function foldSystemMessages(messages: readonly ChatMessage[]): { role: 'user' | 'assistant'; content: string }[] {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
  const rest = messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role as 'user' | 'assistant', content: m.content }));
  if (!system.length) return rest;
  const firstUser = rest.findIndex((m) => m.role === 'user');
  const preamble = system.join('\n\n');
  if (firstUser < 0) return [{ role: 'user', content: preamble }, ...rest];
  rest[firstUser] = { role: 'user', content: `${preamble}\n\n${rest[firstUser].content}` };
  return rest;
}

/** Request options in the OpenAI names the editor's model providers pass through. */
export function lmModelOptions(request: ChatRequest): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (request.temperature !== undefined) options.temperature = request.temperature;
  if (request.topP !== undefined) options.top_p = request.topP;
  if (request.maxTokens !== undefined) options.max_tokens = request.maxTokens;
  if (request.stop?.length) options.stop = request.stop;
  return options;
}

/** Picks the model a request names (id, family or name), else the first. */
export function pickModel<M extends { id: string; family: string; name: string }>(models: readonly M[], wanted: string | undefined): M | undefined {
  if (!wanted) return models[0];
  return models.find((m) => m.id === wanted) ?? models.find((m) => m.family === wanted) ?? models.find((m) => m.name === wanted);
}

/**
 * vscode.LanguageModelError (code NoPermissions / Blocked / NotFound, else a cause), cancellation, or
 * anything else → LlmError.
 */
export function mapLmError(error: unknown, model: string | undefined, cancelled = false): LlmError {
  if (error instanceof LlmError) return error;
  const e = (error ?? {}) as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (cancelled || name === 'Canceled' || name === 'AbortError' || message === 'Canceled') return createLlmError({ kind: 'cancelled', model });
  switch (code) {
    case 'NoPermissions':
      return createLlmError({ kind: 'auth', reason: 'noPermissions', model, serverMessage: truncate(message) });
    case 'Blocked':
      return createLlmError({ kind: 'rateLimited', reason: 'blocked', model, serverMessage: truncate(message) });
    case 'NotFound':
      return createLlmError({ kind: 'notFound', reason: 'editorModelMissing', model, serverMessage: truncate(message) });
  }
  const cause = e.cause as { message?: unknown } | undefined;
  const detail = typeof cause?.message === 'string' && cause.message ? `${message} (${cause.message})` : message;
  return createLlmError({ kind: 'server', reason: 'editor', model, serverMessage: truncate(detail) });
}
