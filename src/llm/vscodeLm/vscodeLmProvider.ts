import * as vscode from 'vscode';
import { t } from '../../core/l10n';
import { createLlmError } from '../errors';
import { StreamStats } from '../streamStats';
import { untilAborted } from '../untilAborted';
import { ChatProvider, ChatRequest, StreamEvent } from '../types';
import { foldSystemMessages, lmModelOptions, mapLmError, pickModel } from './lmMapping';

export async function editorModels(): Promise<vscode.LanguageModelChat[]> {
  try {
    return await vscode.lm.selectChatModels();
  } catch {
    return [];
  }
}

/** The editor's own language models (Copilot and other providers) through vscode.lm. */
export class VscodeLmProvider implements ChatProvider {
  readonly id = 'vscode-lm' as const;
  readonly label: string;
  readonly shortLabel: string;
  readonly defaultModel?: string;

  constructor(private readonly models: vscode.LanguageModelChat[], configuredModel: string, private readonly timeoutMs: () => number) {
    const preferred = pickModel(models, configuredModel) ?? models[0];
    this.defaultModel = preferred?.id;
    this.label = t('Editor model ({0})', preferred?.name ?? '—');
    this.shortLabel = preferred?.vendor ?? t('Editor');
  }

  async listModels(): Promise<string[]> {
    return (await editorModels()).map((m) => m.id);
  }

  async *chat(request: ChatRequest, signal: AbortSignal): AsyncGenerator<StreamEvent, void, undefined> {
    const stats = new StreamStats();
    const model = pickModel(this.models, request.model || this.defaultModel);
    if (!model) throw createLlmError({ kind: 'notFound', reason: 'editorModelMissing', model: request.model });
    const source = new vscode.CancellationTokenSource();
    // Cancelling the token does not always end the stream (in VS Code 1.100 it may never reach the model's
    // provider once the response started): every wait also ends on `stop`, so cancel and timeouts are immediate.
    const stop = new AbortController();
    // No timer before the response starts: the first request waits on the user's consent dialog.
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const onAbort = (): void => {
      source.cancel();
      stop.abort();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    const timeout = () => createLlmError({ kind: 'timeout', reason: 'idle', host: model.name, timeoutMs: this.timeoutMs() });
    let iterator: AsyncIterator<string> | undefined;
    try {
      const messages = foldSystemMessages(request.messages).map((m) =>
        m.role === 'user' ? vscode.LanguageModelChatMessage.User(m.content) : vscode.LanguageModelChatMessage.Assistant(m.content),
      );
      const response = await untilAborted(
        Promise.resolve(
          model.sendRequest(
            messages,
            { justification: t('LLM Lab runs lesson demos and prompts with this model.'), modelOptions: lmModelOptions(request) },
            source.token,
          ),
        ),
        stop.signal,
      );
      timer = setTimeout(() => {
        timedOut = true;
        source.cancel();
        stop.abort();
      }, this.timeoutMs());
      iterator = response.text[Symbol.asyncIterator]();
      for (;;) {
        const next = await untilAborted(iterator.next(), stop.signal);
        if (next.done) break;
        const fragment = next.value;
        if (!fragment) continue;
        stats.delta();
        timer.refresh();
        yield { type: 'text', text: fragment };
        timer.refresh();
      }
      if (signal.aborted) throw createLlmError({ kind: 'cancelled' });
      if (timedOut) throw timeout();
      yield stats.done('stop', model.id, undefined);
    } catch (error) {
      if (timedOut && !signal.aborted) throw timeout();
      throw mapLmError(error, model.id, signal.aborted);
    } finally {
      clearTimeout(timer);
      // Let go of a stream we stopped reading (not awaited: it may never settle).
      if (stop.signal.aborted) iterator?.return?.().catch(() => undefined);
      signal.removeEventListener('abort', onAbort);
      source.dispose();
    }
  }
}
