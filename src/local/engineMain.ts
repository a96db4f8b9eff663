/**
 * The engine process: runs GGUF models with node-llama-cpp (llama.cpp), one request at a time, and talks
 * to the extension host over IPC (engineProtocol.ts). Started by engineClient with fork(); a crash or an
 * out-of-memory here ends this process only. Bundled on its own as dist/localEngine.mjs with
 * node-llama-cpp external (it is native and ships per platform).
 */
import type { ChatHistoryItem, Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import type { TokenLogprob } from '../llm/types';
import type { EngineChatParams, EngineLoadParams, EngineModelInfo, EngineToHost, HostToEngine } from './engineProtocol';
import { StopMatcher } from './stopMatcher';

type NodeLlamaCpp = typeof import('node-llama-cpp');

interface Loaded {
  key: string;
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
  info: EngineModelInfo;
  wrapper: NonNullable<ReturnType<NodeLlamaCpp['resolveChatWrapper']>>;
}

let lib: NodeLlamaCpp | undefined;
let llama: Llama | undefined;
let loaded: Loaded | undefined;
let queue: Promise<void> = Promise.resolve();
const cancelled = new Set<number>();

function send(message: EngineToHost): void {
  process.send?.(message);
}

class EngineFailure extends Error {
  constructor(
    readonly code: 'engineMissing' | 'loadFailed' | 'outOfMemory' | 'contextOverflow' | 'failed',
    message: string,
    readonly extra: { promptTokens?: number; contextSize?: number } = {},
  ) {
    super(message);
  }
}

async function getLib(): Promise<{ lib: NodeLlamaCpp; llama: Llama }> {
  if (lib && llama) return { lib, llama };
  try {
    // LLMLAB_ENGINE_MODULE lets tests simulate a package built without the engine.
    const name = process.env.LLMLAB_ENGINE_MODULE;
    lib = (name ? await import(name) : await import('node-llama-cpp')) as NodeLlamaCpp;
  } catch (error) {
    throw new EngineFailure('engineMissing', `node-llama-cpp is not installed: ${(error as Error).message}`);
  }
  try {
    // Prebuilt CPU binary only: never build from source, never probe CUDA/Vulkan (they are not shipped).
    llama = await lib.getLlama({ gpu: false, build: 'never', logLevel: lib.LlamaLogLevel.error, progressLogs: false });
  } catch (error) {
    throw new EngineFailure('engineMissing', `The llama.cpp binary for ${process.platform}-${process.arch} is missing: ${(error as Error).message}`);
  }
  return { lib, llama };
}

async function ensureLoaded(id: number, load: EngineLoadParams): Promise<Loaded> {
  const key = `${load.modelPath}|${load.contextSize}|${load.threads}`;
  if (loaded?.key === key) return loaded;
  await unload();
  const { lib, llama } = await getLib();
  send({ type: 'loading', id });
  const started = performance.now();
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: load.modelPath, gpuLayers: 0 });
  } catch (error) {
    const message = (error as Error).message;
    if (error instanceof lib.InsufficientMemoryError || /memory/i.test(message)) throw new EngineFailure('outOfMemory', message);
    throw new EngineFailure('loadFailed', message);
  }
  try {
    const contextSize = Math.max(256, Math.min(load.contextSize, model.trainContextSize));
    const context = await model.createContext({ contextSize, threads: load.threads, batchSize: Math.min(512, contextSize) });
    // The model's own chat template (GGUF tokenizer.chat_template), else a plain transcript.
    const wrapper = lib.resolveChatWrapper(model) ?? new lib.GeneralChatWrapper();
    loaded = {
      key,
      model,
      context,
      sequence: context.getSequence(),
      wrapper,
      info: {
        path: load.modelPath,
        name: model.fileInfo.metadata.general?.name,
        contextSize: context.contextSize,
        trainContextSize: model.trainContextSize,
        loadMs: Math.round(performance.now() - started),
        chatWrapper: wrapper.wrapperName,
      },
    };
  } catch (error) {
    await model.dispose();
    const message = (error as Error).message;
    throw new EngineFailure(/memory/i.test(message) ? 'outOfMemory' : 'loadFailed', message);
  }
  send({ type: 'loaded', id, info: loaded.info });
  return loaded;
}

async function unload(): Promise<void> {
  const current = loaded;
  loaded = undefined;
  if (!current) return;
  await current.context.dispose().catch(() => undefined);
  await current.model.dispose().catch(() => undefined);
}

function toHistory(params: EngineChatParams): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = params.messages.map((m) =>
    m.role === 'system' ? { type: 'system', text: m.content } : m.role === 'user' ? { type: 'user', text: m.content } : { type: 'model', response: [m.content] },
  );
  history.push({ type: 'model', response: [] });
  return history;
}

async function chat(id: number, load: EngineLoadParams, params: EngineChatParams): Promise<void> {
  const started = performance.now();
  const state = await ensureLoaded(id, load);
  const { model, sequence, wrapper } = state;
  const { contextText } = wrapper.generateContextState({ chatHistory: toHistory(params) });
  const promptTokens = contextText.tokenize(model.tokenizer);
  const contextSize = state.info.contextSize;
  if (promptTokens.length >= contextSize) {
    throw new EngineFailure('contextOverflow', `The prompt is ${promptTokens.length} tokens; the context holds ${contextSize}.`, { promptTokens: promptTokens.length, contextSize });
  }
  const maxTokens = Math.max(1, Math.min(params.maxTokens ?? 512, contextSize - promptTokens.length));
  const stops = new StopMatcher(params.stop ?? []);
  const topN = params.logprobs ? Math.max(1, Math.min(params.topLogprobs ?? 5, 20)) : 0;
  await sequence.clearHistory();

  const generated: Token[] = [];
  let pending: Token[] = [];
  let ttftMs: number | undefined;
  let finishReason: 'stop' | 'length' | 'cancelled' = 'stop';
  const evaluation = sequence.evaluateWithMetadata(
    promptTokens,
    { confidence: true, probabilities: topN > 0 },
    { temperature: params.temperature ?? 0.7, topP: params.topP, seed: params.seed ?? (params.temperature ? undefined : 0) },
  );
  for await (const output of evaluation) {
    if (cancelled.has(id)) {
      finishReason = 'cancelled';
      break;
    }
    const token = output.token;
    generated.push(token);
    pending.push(token);
    if (topN > 0) {
      const probabilities = (output as { probabilities?: Map<Token, number> }).probabilities;
      const top: TokenLogprob['top'] = [];
      if (probabilities) {
        for (const [t, p] of probabilities) {
          if (top.length >= topN) break;
          top.push({ token: model.detokenize([t], false), logprob: Math.log(Math.max(p, Number.MIN_VALUE)) });
        }
      }
      const confidence = (output as { confidence?: number }).confidence ?? probabilities?.get(token) ?? 0;
      send({ type: 'logprobs', id, tokens: [{ token: model.detokenize([token], false), logprob: Math.log(Math.max(confidence, Number.MIN_VALUE)), top }] });
    }
    // A token may end inside a multi-byte character: hold it until the character is complete.
    const text = model.detokenize(pending, false, generated.slice(Math.max(0, generated.length - pending.length - 4), generated.length - pending.length));
    if (!text.endsWith('\uFFFD')) {
      pending = [];
      const { emit, stopped } = stops.push(text);
      if (emit) {
        ttftMs ??= performance.now() - started;
        send({ type: 'text', id, text: emit });
      }
      if (stopped) break;
    }
    if (generated.length >= maxTokens) {
      finishReason = 'length';
      break;
    }
  }
  if (finishReason !== 'cancelled') {
    const rest = stops.flush();
    if (rest) send({ type: 'text', id, text: rest });
  }
  send({ type: 'done', id, finishReason, promptTokens: promptTokens.length, completionTokens: generated.length, ttftMs, totalMs: performance.now() - started });
}

function handle(message: HostToEngine): void {
  switch (message.type) {
    case 'cancel':
      cancelled.add(message.id);
      return;
    case 'stats': {
      const mem = process.memoryUsage();
      send({ type: 'stats', id: message.id, rss: mem.rss, heapUsed: mem.heapUsed, model: loaded?.info });
      return;
    }
    case 'unload':
      queue = queue.then(async () => {
        await unload();
        send({ type: 'unloaded', id: message.id });
      });
      return;
    case 'chat':
      queue = queue.then(async () => {
        try {
          if (cancelled.has(message.id)) {
            send({ type: 'done', id: message.id, finishReason: 'cancelled', promptTokens: 0, completionTokens: 0, totalMs: 0 });
            return;
          }
          await chat(message.id, message.load, message.params);
        } catch (error) {
          const failure = error instanceof EngineFailure ? error : new EngineFailure('failed', (error as Error)?.message ?? String(error));
          send({ type: 'error', id: message.id, code: failure.code, message: failure.message, ...failure.extra });
        } finally {
          cancelled.delete(message.id);
        }
      });
      return;
  }
}

process.on('message', (message) => handle(message as HostToEngine));
// The host went away: nothing left to serve.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
