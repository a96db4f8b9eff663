/**
 * The built-in statistical language model as a ChatProvider (id 'builtin'): it continues the last user
 * message with the lecture-trained trigram model, streaming one token per event, and reports the model's
 * top alternatives per token as 'logprobs' events when asked, so the next-token and temperature demos run
 * with no endpoint at all. Pure: the models are loaded by whoever constructs it.
 */
import { t, type Lang } from '../core/l10n';
import { LlmError, type ChatProvider, type ChatRequest, type StreamEvent } from '../llm/types';
import type { SampleOptions, SampleResult } from './ngramModel';
import type { NgramSource } from './ngramSource';

/** What the provider samples from: the n-gram model, or a tuned tiny GPT (tinygpt/stages/policySampler.ts). */
export interface BuiltinSampler {
  sample(prompt: string, options: SampleOptions): SampleResult;
  encode(text: string): ArrayLike<unknown>;
}

/** Model ids of the tuned tiny GPT checkpoints (llmLab.train stages 'sft' and 'ppo'). */
const TUNED_PREFIX = 'tinygpt-';

export const BUILTIN_MODELS: Record<Lang, string> = { en: 'ngram-en', 'zh-cn': 'ngram-zh-cn' };

/** The Part 1 n-gram by its SPEC name (`runDemo { provider: 'builtin', model: 'ngram' }`): language from the prompt. */
export const NGRAM_MODEL = 'ngram';

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
  private tuned: ((id: string) => Promise<BuiltinSampler | undefined>) | undefined;

  constructor(
    private readonly source: NgramSource,
    private readonly uiLanguage: () => Lang = () => 'en',
  ) {}

  /** Serves tuned tiny GPT checkpoints by id ('tinygpt-sft', 'tinygpt-ppo'); set once the tiny GPT is registered. */
  useTunedModels(resolve: (id: string) => Promise<BuiltinSampler | undefined>): void {
    this.tuned = resolve;
  }

  get label(): string {
    return t('Built-in n-gram model');
  }

  get defaultModel(): string {
    return BUILTIN_MODELS[this.uiLanguage()];
  }

  async listModels(signal: AbortSignal): Promise<string[]> {
    if (signal.aborted) throw new LlmError('cancelled', t('Cancelled.'));
    const langs = await this.guard(() => this.source.languages());
    return langs.map((lang) => BUILTIN_MODELS[lang]);
  }

  async *chat(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    const started = Date.now();
    if (signal.aborted) throw new LlmError('cancelled', t('Cancelled.'));
    const tunedId = request.model?.startsWith(TUNED_PREFIX) ? request.model : undefined;
    if (request.model && !tunedId && request.model !== NGRAM_MODEL && !Object.values(BUILTIN_MODELS).includes(request.model)) {
      throw new LlmError('notFound', t('The built-in provider has no model "{0}".', request.model), { model: request.model });
    }
    const prompt = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const lang = builtinLang(request.model, prompt, this.uiLanguage());
    let model: BuiltinSampler | undefined;
    if (tunedId) {
      model = await this.guard(async () => this.tuned?.(tunedId));
      if (!model) throw new LlmError('notFound', t('The tuned tiny GPT "{0}" does not exist yet: train it with llmLab.train first.', tunedId), { model: tunedId });
    } else {
      model = await this.guard(() => this.source.model(lang));
      if (!model) throw new LlmError('noProvider', t('The built-in model is not available (dist/content/ngram.json is missing).'));
    }

    const maxTokens = Math.max(1, Math.min(request.maxTokens ?? 40, 400));
    const result = model.sample(prompt, {
      temperature: request.temperature ?? 1,
      topP: request.topP,
      seed: request.seed ?? (Date.now() >>> 0),
      maxTokens,
      alternatives: Math.max(1, Math.min(request.topLogprobs ?? 5, 20)),
    });

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
      yield { type: 'text', text: piece };
      text += piece;
      completionTokens++;
      if (request.logprobs) {
        yield {
          type: 'logprobs',
          tokens: [{ token: piece, logprob: Math.log(step.p), top: step.top.map((alt) => ({ token: alt.token, logprob: Math.log(alt.p) })) }],
        };
      }
    }
    const promptTokens = model.encode(prompt).length;
    yield { type: 'usage', promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
    yield { type: 'done', finishReason, model: tunedId ?? BUILTIN_MODELS[lang], ttftMs, totalMs: Date.now() - started };
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
