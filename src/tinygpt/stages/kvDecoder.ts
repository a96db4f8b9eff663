/**
 * Incremental decoding with a key/value cache: each new token runs through the blocks once, attending to
 * the keys and values kept from earlier positions, instead of re-running the whole prefix (what the
 * training forward pass would do). Same parameters and the same ops as the model (N = 1 row at a time),
 * so its logits equal the full forward pass's at every position (a test checks this).
 */
import { LAYERNORM_EPS, geluForward, matmulForward } from '../ops';
import type { Gpt } from '../model';

export class KvDecoder {
  /** Tokens fed so far. */
  length = 0;
  private readonly k: Float32Array;
  private readonly v: Float32Array;
  private readonly x: Float32Array;
  private readonly ln: Float32Array;
  private readonly qkv: Float32Array;
  private readonly atty: Float32Array;
  private readonly proj: Float32Array;
  private readonly fch: Float32Array;
  private readonly fchGelu: Float32Array;
  private readonly scores: Float64Array;
  readonly logits: Float32Array;

  constructor(private readonly model: Gpt) {
    const { layers: L, context: T, dim: C, vocabSize: V } = model.config;
    this.k = new Float32Array(L * T * C);
    this.v = new Float32Array(L * T * C);
    this.x = new Float32Array(C);
    this.ln = new Float32Array(C);
    this.qkv = new Float32Array(3 * C);
    this.atty = new Float32Array(C);
    this.proj = new Float32Array(C);
    this.fch = new Float32Array(4 * C);
    this.fchGelu = new Float32Array(4 * C);
    this.scores = new Float64Array(T);
    this.logits = new Float32Array(V);
  }

  /** Feeds one token; afterwards `logits` holds the next-token logits. */
  push(token: number): Float32Array {
    const { layers: L, context: T, dim: C, heads: NH, vocabSize: V } = this.model.config;
    if (this.length >= T) throw new RangeError(`tiny GPT: the context of ${T} tokens is full`);
    if (!(token >= 0 && token < V)) throw new RangeError(`tiny GPT: token id ${token} is outside the vocabulary 0…${V - 1}`);
    const p = this.model.p;
    const t = this.length;
    const x = this.x;
    for (let c = 0; c < C; c++) x[c] = p.wte[token * C + c] + p.wpe[t * C + c];
    const hs = C / NH;
    const scale = 1 / Math.sqrt(hs);
    for (let l = 0; l < L; l++) {
      const at = (name: 'ln1w' | 'ln1b' | 'ln2w' | 'ln2b' | 'attprojb' | 'fcprojb', per = C) => p[name].subarray(l * per, (l + 1) * per);
      layernorm(this.ln, x, at('ln1w'), at('ln1b'), C);
      matmulForward(this.qkv, this.ln, p.qkvw.subarray(l * 3 * C * C, (l + 1) * 3 * C * C), p.qkvb.subarray(l * 3 * C, (l + 1) * 3 * C), 1, C, 3 * C);
      const cache = l * T * C;
      this.k.set(this.qkv.subarray(C, 2 * C), cache + t * C);
      this.v.set(this.qkv.subarray(2 * C, 3 * C), cache + t * C);
      for (let h = 0; h < NH; h++) {
        const q = h * hs;
        let max = -Infinity;
        for (let t2 = 0; t2 <= t; t2++) {
          const k = cache + t2 * C + h * hs;
          let dot = 0;
          for (let i = 0; i < hs; i++) dot += this.qkv[q + i] * this.k[k + i];
          dot *= scale;
          this.scores[t2] = dot;
          if (dot > max) max = dot;
        }
        let sum = 0;
        for (let t2 = 0; t2 <= t; t2++) {
          const e = Math.exp(this.scores[t2] - max);
          this.scores[t2] = e;
          sum += e;
        }
        for (let i = 0; i < hs; i++) this.atty[q + i] = 0;
        for (let t2 = 0; t2 <= t; t2++) {
          const w = this.scores[t2] / sum;
          const v = cache + t2 * C + h * hs;
          for (let i = 0; i < hs; i++) this.atty[q + i] += w * this.v[v + i];
        }
      }
      matmulForward(this.proj, this.atty, p.attprojw.subarray(l * C * C, (l + 1) * C * C), at('attprojb'), 1, C, C);
      for (let c = 0; c < C; c++) x[c] += this.proj[c];
      layernorm(this.ln, x, at('ln2w'), at('ln2b'), C);
      matmulForward(this.fch, this.ln, p.fcw.subarray(l * 4 * C * C, (l + 1) * 4 * C * C), p.fcb.subarray(l * 4 * C, (l + 1) * 4 * C), 1, C, 4 * C);
      geluForward(this.fchGelu, this.fch, 4 * C);
      matmulForward(this.proj, this.fchGelu, p.fcprojw.subarray(l * 4 * C * C, (l + 1) * 4 * C * C), at('fcprojb'), 1, 4 * C, C);
      for (let c = 0; c < C; c++) x[c] += this.proj[c];
    }
    layernorm(this.ln, x, p.lnfw, p.lnfb, C);
    matmulForward(this.logits, this.ln, p.wte, null, 1, C, V);
    this.length++;
    return this.logits;
  }
}

/** One row of the model's layernorm (same formula and epsilon as ops.layernormForward). */
function layernorm(out: Float32Array, x: Float32Array, w: ArrayLike<number>, b: ArrayLike<number>, C: number): void {
  let m = 0;
  for (let c = 0; c < C; c++) m += x[c];
  m /= C;
  let v = 0;
  for (let c = 0; c < C; c++) v += (x[c] - m) ** 2;
  const s = 1 / Math.sqrt(v / C + LAYERNORM_EPS);
  for (let c = 0; c < C; c++) out[c] = (x[c] - m) * s * w[c] + b[c];
}
