/**
 * The `local` provider: a GGUF model run by llama.cpp in LLM Lab's own engine process (engineClient).
 * Pure (no vscode), so unit tests drive it in plain Node.
 */
import { availableParallelism } from 'node:os';
import { cancelledError, createLlmError } from '../llm/errors';
import type { ChatProvider, ChatRequest, StreamEvent } from '../llm/types';
import { EngineClient, EngineClientError } from './engineClient';

export interface LocalModelRef {
  /** Absolute path of the .gguf. */
  path: string;
  /** What the model is called in results (catalog id, or the file name). */
  name: string;
}

export interface LocalSettings {
  /** 0 = auto. */
  threads: number;
  contextSize: number;
}

/** 0 = auto: leave one core to the editor (llama.cpp threads spin; more threads than cores is much slower). */
export function resolveThreads(setting: number, cores = availableParallelism()): number {
  if (setting > 0) return Math.floor(setting);
  return Math.max(1, Math.min(8, cores - 1));
}

export class LocalProvider implements ChatProvider {
  readonly id = 'local' as const;
  readonly label: string;
  readonly shortLabel = 'LLM Lab';
  readonly defaultModel: string;

  constructor(
    private readonly engine: EngineClient,
    private readonly model: LocalModelRef,
    private readonly settings: () => LocalSettings,
  ) {
    this.label = `LLM Lab (llama.cpp · ${model.name})`;
    this.defaultModel = model.name;
  }

  listModels(): Promise<string[]> {
    return Promise.resolve([this.model.name]);
  }

  async *chat(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    const { threads, contextSize } = this.settings();
    const queue: StreamEvent[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    let failure: unknown;
    const push = (event: StreamEvent): void => {
      queue.push(event);
      wake?.();
    };
    const started = performance.now();
    const run = this.engine
      .chat(
        { modelPath: this.model.path, contextSize, threads: resolveThreads(threads) },
        {
          messages: request.messages,
          temperature: request.temperature,
          topP: request.topP,
          maxTokens: request.maxTokens,
          stop: request.stop,
          seed: request.seed,
          logprobs: request.logprobs,
          topLogprobs: request.topLogprobs,
        },
        signal,
        (event) => {
          if (event.type === 'text') push({ type: 'text', text: event.text });
          else if (event.type === 'logprobs') push({ type: 'logprobs', tokens: event.tokens });
        },
      )
      .then(
        (done) => {
          push({ type: 'usage', promptTokens: done.promptTokens, completionTokens: done.completionTokens, totalTokens: done.promptTokens + done.completionTokens });
          const totalMs = Math.round(performance.now() - started);
          const genMs = done.ttftMs !== undefined ? done.totalMs - done.ttftMs : done.totalMs;
          push({
            type: 'done',
            finishReason: done.finishReason,
            model: this.model.name,
            ttftMs: done.ttftMs === undefined ? undefined : Math.round(done.ttftMs),
            totalMs,
            tokensPerSecond: done.completionTokens > 1 && genMs > 0 ? Math.round(((done.completionTokens - 1) / genMs) * 1000 * 10) / 10 : undefined,
          });
        },
        (error: unknown) => {
          failure = error;
        },
      )
      .finally(() => {
        finished = true;
        wake?.();
      });
    for (;;) {
      while (queue.length) yield queue.shift()!;
      if (finished) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    await run;
    while (queue.length) yield queue.shift()!;
    if (failure) throw toLlm(failure, this.model.name);
  }
}

function toLlm(error: unknown, model: string): Error {
  if (!(error instanceof EngineClientError)) return createLlmError({ kind: 'server', reason: 'unexpected', serverMessage: String((error as Error)?.message ?? error), provider: 'local', model });
  const info = { provider: 'local' as const, model, serverMessage: error.message };
  switch (error.code) {
    case 'cancelled':
      return cancelledError();
    case 'contextOverflow':
      return createLlmError({ ...info, kind: 'invalidInput', reason: 'localContext' });
    case 'engineMissing':
      return createLlmError({ ...info, kind: 'server', reason: 'localEngine' });
    case 'tooBig':
    case 'outOfMemory':
      return createLlmError({ ...info, kind: 'server', reason: 'localMemory' });
    case 'loadFailed':
      return createLlmError({ ...info, kind: 'server', reason: 'localLoad' });
    default:
      return createLlmError({ ...info, kind: 'server', reason: 'localCrash' });
  }
}
