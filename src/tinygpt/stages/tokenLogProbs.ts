/**
 * What the fine-tuning stages need from the language-model head beyond pre-training's cross-entropy: the
 * log-probability of each chosen token (PPO's ratio and KL), a backward pass for any weighted sum of them,
 * and sampling that stops at <|endoftext|>. Built on the model's trunk (forwardTrunk / backwardTrunk) and
 * the tied output projection, with the same matmul kernels as the model itself.
 */
import type { Gpt } from '../model';
import { matmulBackward, matmulForward, type Tensor } from '../ops';
import type { Rng } from '../rng';
import { KvDecoder } from './kvDecoder';

export class TokenLogProbs {
  private logitsBuf: Tensor = new Float32Array(0);
  private probsBuf: Tensor = new Float32Array(0);
  private dlogits: Tensor = new Float32Array(0);
  private dh: Tensor = new Float32Array(0);
  private targets = new Int32Array(0);
  private N = 0;
  /** The trunk output of the last forward pass (B·T × dim). */
  h: Tensor = new Float32Array(0);

  constructor(readonly model: Gpt) {}

  /**
   * Forward pass over B rows of T tokens; returns log p(targets[n] | tokens ≤ n) for every position
   * (a fresh array). Probabilities are kept for backward.
   */
  forward(tokens: ArrayLike<number>, targets: ArrayLike<number>, B: number, T: number): Float64Array {
    const { vocabSize: V, dim: C } = this.model.config;
    const N = B * T;
    this.N = N;
    if (this.logitsBuf.length !== N * V) {
      // float64 models (gradient checks) get float64 buffers.
      const Arr = this.model.params instanceof Float64Array ? Float64Array : Float32Array;
      this.logitsBuf = new Arr(N * V);
      this.probsBuf = new Arr(N * V);
      this.dlogits = new Arr(N * V);
      this.dh = new Arr(N * C);
    }
    this.targets = Int32Array.from({ length: N }, (_, i) => targets[i]);
    this.h = this.model.forwardTrunk(tokens, B, T);
    matmulForward(this.logitsBuf, this.h, this.model.p.wte, null, N, C, V);
    const out = new Float64Array(N);
    for (let n = 0; n < N; n++) {
      const r = n * V;
      let max = -Infinity;
      for (let v = 0; v < V; v++) if (this.logitsBuf[r + v] > max) max = this.logitsBuf[r + v];
      let sum = 0;
      for (let v = 0; v < V; v++) {
        const e = Math.exp(this.logitsBuf[r + v] - max);
        this.probsBuf[r + v] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let v = 0; v < V; v++) this.probsBuf[r + v] *= inv;
      out[n] = this.logitsBuf[r + this.targets[n]] - max - Math.log(sum);
    }
    return out;
  }

  /** Probabilities of the last forward pass (N × V). */
  get probs(): Tensor {
    return this.probsBuf;
  }

  /**
   * Adds into the model's gradients the gradient of L = Σₙ coefₙ · log p(targetₙ), using
   * ∂ log p(a) / ∂ logit_v = [v = a] − p_v. extraDh (B·T × dim), if given, is a further gradient on the
   * trunk output (a value head's).
   */
  backward(coef: ArrayLike<number>, extraDh?: Tensor): void {
    const { vocabSize: V, dim: C } = this.model.config;
    const N = this.N;
    const d = this.dlogits;
    for (let n = 0; n < N; n++) {
      const r = n * V;
      const c = coef[n];
      if (c === 0) {
        d.fill(0, r, r + V);
        continue;
      }
      for (let v = 0; v < V; v++) d[r + v] = -c * this.probsBuf[r + v];
      d[r + this.targets[n]] += c;
    }
    if (extraDh) this.dh.set(extraDh.subarray(0, N * C));
    else this.dh.fill(0);
    matmulBackward(this.dh, this.model.g.wte, null, d, this.h, this.model.p.wte, N, C, V);
    this.model.backwardTrunk(this.dh);
  }
}

export interface GenerateOptions {
  maxNewTokens: number;
  /** 0 = greedy. */
  temperature: number;
  rng: Rng;
  endOfText: number;
}

/**
 * Continues each prompt until <|endoftext|> (kept as the last token), maxNewTokens, or the context is
 * full (a sequence may hold context + 1 tokens: inputs and the last target). Each row decodes with a
 * key/value cache (kvDecoder.ts); rows advance in lockstep, so the random draws come in a fixed order.
 */
export function generate(model: Gpt, prompts: number[][], o: GenerateOptions): number[][] {
  const T = model.config.context;
  const V = model.config.vocabSize;
  const decoders = prompts.map((p) => {
    const d = new KvDecoder(model);
    for (const id of p.slice(Math.max(0, p.length - T))) d.push(id);
    return d;
  });
  const out: number[][] = prompts.map(() => []);
  const done = prompts.map((p) => p.length === 0);
  const logits = new Float64Array(V);
  for (let step = 0; step < o.maxNewTokens; step++) {
    if (done.every(Boolean)) break;
    decoders.forEach((d, b) => {
      if (done[b]) return;
      logits.set(d.logits);
      const id = pick(logits, o.temperature, o.rng);
      out[b].push(id);
      if (id === o.endOfText || d.length >= T) done[b] = true;
      else d.push(id);
    });
  }
  return out;
}

function pick(logits: Float64Array, temperature: number, rng: Rng): number {
  let best = 0;
  for (let v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
  if (temperature <= 0) return best;
  const max = logits[best];
  let sum = 0;
  for (let v = 0; v < logits.length; v++) sum += Math.exp((logits[v] - max) / temperature);
  let u = rng.next() * sum;
  for (let v = 0; v < logits.length; v++) {
    u -= Math.exp((logits[v] - max) / temperature);
    if (u <= 0) return v;
  }
  return logits.length - 1;
}
