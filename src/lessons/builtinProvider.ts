/**
 * The models that ship inside LLM Lab as a ChatProvider (id 'builtin'): it continues the last user message
 * with the lecture-trained trigram model or the tiny GPT, streaming one token per event, and reports the
 * model's top alternatives per token as 'logprobs' events when asked, so the next-token and temperature
 * demos run with no endpoint at all. Pure: the models are loaded by whoever constructs it; the n-gram
 * samples here (microseconds), the tiny GPT on a worker thread (tinygpt/samplerClient.ts).
 */
import { t, type Lang } from '../core/l10n';
import { LlmError, type ChatProvider, type ChatRequest, type StreamEvent } from '../llm/types';
import type { SampleOptions, SampleResult } from './ngramModel';
import type { NgramSource } from './ngramSource';

/** A sample and how many tokens the prompt was to the model. */
export type BuiltinSample = SampleResult & { promptTokens: number };

/**
 * What the provider samples from: the n-gram model (answers at once), or a tiny GPT (a promise: it samples
 * on a worker thread, tinygpt/builtinTinyGpt.ts). The signal stops a sample under way.
 */
export interface BuiltinSampler {
  sample(prompt: string, options: SampleOptions, signal: AbortSignal): BuiltinSample | Promise<BuiltinSample>;
}

/** Model ids of the tuned tiny GPT checkpoints (llmLab.train stages 'sft' and 'ppo'). */
const TUNED_PREFIX = 'tinygpt-';

export const BUILTIN_MODELS: Record<Lang, string> = { en: 'ngram-en', 'zh-cn': 'ngram-zh-cn' };

/** The Part 1 n-gram by its SPEC name (`runDemo { provider: 'builtin', model: 'ngram' }`): language from the prompt. */
export const NGRAM_MODEL = 'ngram';

/** The pre-trained tiny GPT that ships in media/models/tinygpt.bin: it continues the prompt, in either language. */
export const TINYGPT_MODEL = 'tinygpt';

/**
 * The model a request without one gets (next-token, temperature-sampling), per language of the prompt: the
 * one that scores fewer bits per byte on the lecture's held-out text. test/unit/tinygpt/shippedModel.test.ts
 * measures the shipped checkpoint against the trigram and fails if this table disagrees.
 */
export const BUILTIN_DEFAULT_MODELS: Record<Lang, string> = { en: TINYGPT_MODEL, 'zh-cn': TINYGPT_MODEL };

/** Whether the built-in provider answers to this model id (others are an endpoint's names). */
export function isBuiltinModel(id: string): boolean {
  return id === NGRAM_MODEL || id === TINYGPT_MODEL || id.startsWith(TUNED_PREFIX) || Object.values(BUILTIN_MODELS).includes(id);
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** The model's language: named by the request's model, else the prompt's script, else the UI language. */
export function builtinLang(model: string | undefined, prompt: string, fallback: Lang): Lang {
  if (model === BUILTIN_MODELS['zh-cn']) return 'zh-cn';
  if (model === BUILTIN_MODELS.en) return 'en';
  if (CJK.test(prompt)) return 'zh-cn';
  if (/[A-Za-z]/.test(prompt)) return 'en';
  return fallback;
}

export class BuiltinProvider implements ChatProvider {
  readonly id = 'builtin' as const;
  private tinyGpt: ((id: string) => Promise<BuiltinSampler | undefined>) | undefined;
  /** Draws without a seed so far: parallel runs started in the same millisecond still differ. */
  private draws = 0;

  constructor(
    private readonly source: NgramSource,
    private readonly uiLanguage: () => Lang = () => 'en',
  ) {}

  /**
   * Serves the tiny GPT by id: 'tinygpt' (the shipped pre-trained model) and the tuned checkpoints
   * ('tinygpt-sft', 'tinygpt-ppo'; undefined until trained); set once the tiny GPT is registered.
   */
  useTinyGpt(resolve: (id: string) => Promise<BuiltinSampler | undefined>): void {
    this.tinyGpt = resolve;
  }

  get label(): string {
    return this.defaultFor(this.uiLanguage()) === TINYGPT_MODEL ? t('Built-in tiny GPT') : t('Built-in n-gram model');
  }

  get defaultModel(): string {
    const lang = this.uiLanguage();
    const model = this.defaultFor(lang);
    return model === NGRAM_MODEL ? BUILTIN_MODELS[lang] : model;
  }

  /** The default of a language; the n-gram where no tiny GPT is connected (plain Node, before registration). */
  private defaultFor(lang: Lang): string {
    const model = BUILTIN_DEFAULT_MODELS[lang];
    return model === TINYGPT_MODEL && !this.tinyGpt ? NGRAM_MODEL : model;
  }

  async listModels(signal: AbortSignal): Promise<string[]> {
    if (signal.aborted) throw new LlmError('cancelled', t('Cancelled.'));
    const langs = await this.guard(() => this.source.languages());
    return [...langs.map((lang) => BUILTIN_MODELS[lang]), ...(this.tinyGpt ? [TINYGPT_MODEL] : [])];
  }

  async *chat(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    const started = Date.now();
    if (signal.aborted) throw new LlmError('cancelled', t('Cancelled.'));
    const prompt = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const lang = builtinLang(request.model, prompt, this.uiLanguage());
    const requested = request.model ?? this.defaultFor(lang);
    if (!isBuiltinModel(requested)) {
      throw new LlmError('notFound', t('The built-in provider has no model "{0}".', requested), { model: requested });
    }
    const tinyGptId = requested === TINYGPT_MODEL || requested.startsWith(TUNED_PREFIX) ? requested : undefined;
    let model: BuiltinSampler | undefined;
    if (tinyGptId) {
      model = await this.guard(async () => this.tinyGpt?.(tinyGptId));
      if (!model && tinyGptId === TINYGPT_MODEL) throw new LlmError('noProvider', t('The built-in tiny GPT is not available.'), { model: tinyGptId });
      if (!model) throw new LlmError('notFound', t('The tuned tiny GPT "{0}" does not exist yet: train it with llmLab.train first.', tinyGptId), { model: tinyGptId });
    } else {
      const ngram = await this.guard(() => this.source.model(lang));
      if (!ngram) throw new LlmError('noProvider', t('The built-in model is not available (dist/content/ngram.json is missing).'));
      model = { sample: (p, o) => ({ ...ngram.sample(p, o), promptTokens: ngram.encode(p).length }) };
    }

    const maxTokens = Math.max(1, Math.min(request.maxTokens ?? 40, 400));
    let result: BuiltinSample;
    try {
      result = await model.sample(prompt, {
        temperature: request.temperature ?? 1,
        topP: request.topP,
        seed: request.seed ?? ((Date.now() + this.draws++ * 0x9e3779b9) >>> 0),
        maxTokens,
        alternatives: Math.max(1, Math.min(request.topLogprobs ?? 5, 20)),
      }, signal);
    } catch (error) {
      if (signal.aborted) throw new LlmError('cancelled', t('Cancelled.'));
      if (error instanceof LlmError) throw error;
      throw new LlmError('noProvider', t('The built-in model could not be loaded: {0}', error instanceof Error ? error.message : String(error)));
    }

    let text = '';
    let ttftMs: number | undefined;
    let completionTokens = 0;
    let finishReason: string = result.finish === 'end' ? 'stop' : 'length';
    for (const step of result.tokens) {
      // One event per token, handing control back between tokens so a cancel lands mid-stream.
      await Promise.resolve();
      if (signal.aborted) throw new LlmError('cancelled', t('Cancelled.'));
      const piece = step.text;
      const stopAt = firstStop(text + piece, request.stop, text.length);
      if (stopAt !== undefined) {
        const rest = (text + piece).slice(text.length, stopAt);
        if (rest) yield { type: 'text', text: rest };
        text += rest;
        finishReason = 'stop';
        break;
      }
      ttftMs ??= Date.now() - started;
      // A token that ends inside a character (byte-level BPE) adds no text; the character comes with the next one.
      if (piece) yield { type: 'text', text: piece };
      text += piece;
      completionTokens++;
      if (request.logprobs) {
        yield {
          type: 'logprobs',
          tokens: [{ token: piece, logprob: Math.log(step.p), top: step.top.map((alt) => ({ token: alt.token, logprob: Math.log(alt.p) })) }],
        };
      }
    }
    const { promptTokens } = result;
    yield { type: 'usage', promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
    yield { type: 'done', finishReason, model: tinyGptId ?? BUILTIN_MODELS[lang], ttftMs, totalMs: Date.now() - started };
  }

  private async guard<T>(load: () => Promise<T>): Promise<T> {
    try {
      return await load();
    } catch (error) {
      throw new LlmError('noProvider', t('The built-in model could not be loaded: {0}', error instanceof Error ? error.message : String(error)));
    }
  }
}

/** Index in `text` where the first stop sequence starts, if one ends after `from`. */
function firstStop(text: string, stops: string[] | undefined, from: number): number | undefined {
  let best: number | undefined;
  for (const stop of stops ?? []) {
    if (!stop) continue;
    const at = text.indexOf(stop, Math.max(0, from - stop.length + 1));
    if (at >= 0 && (best === undefined || at < best)) best = at;
  }
  return best;
}
