/**
 * A tiny GPT checkpoint as a text sampler with the same result shape as the built-in n-gram model
 * (lessons/ngramModel.ts SampleResult), so the built-in provider can serve it by model id: the pre-trained
 * model continues the prompt as it is (`sample`), a tuned one (SFT or PPO, STAGE_MODEL_IDS in stageCommand.ts)
 * answers it wrapped in the instruction template it was tuned on (`answer`). Tokens stream as whole
 * characters, and each carries its probability and top alternatives. Runs on the sampler thread
 * (samplerWorker.ts), never on the extension host's.
 */
import type { Lang } from '../../core/l10n';
import type { SampleOptions, SampleResult, SampledToken } from '../../lessons/ngramModel';
import { BpeTokenizer } from '../bpe';
import type { Checkpoint } from '../checkpoint';
import { Gpt } from '../model';
import { Rng } from '../rng';
import { KvDecoder } from './kvDecoder';
import { formatPrompt, instructionLang } from './sftData';

/** A sample and how many tokens its whole prompt was (the built-in provider's usage). */
export type PolicySample = SampleResult & { promptTokens: number };

export class PolicySampler {
  readonly tokenizer: BpeTokenizer;
  readonly model: Gpt;

  constructor(checkpoint: Checkpoint) {
    this.tokenizer = new BpeTokenizer(checkpoint.tokenizer);
    this.model = new Gpt(checkpoint.config, { params: checkpoint.params });
  }

  encode(text: string): number[] {
    return this.tokenizer.encode(text);
  }

  /** The instruction as the tuned model saw its training prompts. */
  static prompt(instruction: string, lang: Lang): string {
    return formatPrompt(instruction, lang);
  }

  /** Answers an instruction: wrapped in the template of its language (Chinese when it has CJK characters). */
  answer(instruction: string, o: SampleOptions = {}, stop?: () => boolean): PolicySample {
    return this.sample(PolicySampler.prompt(instruction, instructionLang(instruction)), o, stop);
  }

  /**
   * Continues `prompt`: its last context / 2 tokens are read (an empty prompt starts from <|endoftext|>);
   * when the context fills, decoding starts again from its last context / 2 tokens, so maxTokens may exceed it.
   * `stop` is asked before each token; when it says so the sample ends there.
   */
  sample(prompt: string, o: SampleOptions = {}, stop?: () => boolean): PolicySample {
    const { context: T, vocabSize: V } = this.model.config;
    const eot = this.tokenizer.endOfText;
    const keep = Math.floor(T / 2);
    const ids = this.encode(prompt);
    let fed = ids.length ? ids.slice(Math.max(0, ids.length - keep)) : [eot];
    let decoder = this.prefill(fed);
    const rng = new Rng(o.seed ?? 0);
    const temperature = o.temperature ?? 1;
    const maxTokens = o.maxTokens ?? 40;
    const alternatives = o.alternatives ?? 5;
    const utf8 = new TextDecoder('utf-8');
    const tokens: SampledToken[] = [];
    let text = '';
    let finish: SampleResult['finish'] = 'length';
    const probs = new Float64Array(V);
    for (let step = 0; step < maxTokens && !stop?.(); step++) {
      const logits = decoder.logits;
      let max = -Infinity;
      for (let v = 0; v < V; v++) max = Math.max(max, logits[v]);
      let z = 0;
      for (let v = 0; v < V; v++) z += (probs[v] = Math.exp(logits[v] - max));
      for (let v = 0; v < V; v++) probs[v] /= z;
      const id = choose(probs, temperature, o.topK, o.topP, rng);
      if (id === eot) {
        finish = 'end';
        break;
      }
      const piece = utf8.decode(this.tokenizer.tokenBytes(id), { stream: true });
      const top = Array.from(probs, (p, v) => ({ v, p })).sort((a, b) => b.p - a.p).slice(0, alternatives)
        .map(({ v, p }) => ({ token: v === eot ? '<|endoftext|>' : this.tokenizer.decode([v]), p }));
      tokens.push({ token: this.tokenizer.decode([id]), text: piece, p: probs[id], top });
      text += piece;
      fed.push(id);
      if (decoder.length < T) decoder.push(id);
      else decoder = this.prefill((fed = fed.slice(-keep)));
    }
    const rest = utf8.decode();
    if (rest && tokens.length) {
      tokens[tokens.length - 1].text += rest;
      text += rest;
    }
    return { text, tokens, finish, promptTokens: ids.length };
  }

  private prefill(ids: readonly number[]): KvDecoder {
    const decoder = new KvDecoder(this.model);
    for (const id of ids) decoder.push(id);
    return decoder;
  }
}

/** Greedy at temperature 0; otherwise top-k, then top-p (nucleus), then a draw from p^(1/T). */
function choose(probs: Float64Array, temperature: number, topK: number | undefined, topP: number | undefined, rng: Rng): number {
  const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]);
  if (temperature <= 0) return order[0];
  let keep = order.slice(0, topK && topK > 0 ? topK : order.length);
  if (topP !== undefined && topP < 1) {
    let mass = 0;
    const cut = keep.findIndex((v) => (mass += probs[v]) >= topP);
    keep = keep.slice(0, cut < 0 ? keep.length : cut + 1);
  }
  const weights = keep.map((v) => Math.pow(probs[v], 1 / temperature));
  let u = rng.next() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < keep.length; i++) {
    u -= weights[i];
    if (u <= 0) return keep[i];
  }
  return keep[keep.length - 1];
}
