/**
 * A GPT-2-style decoder (Radford et al. 2019; layout of Karpathy's llm.c): token + learned position
 * embeddings, L pre-LayerNorm blocks (causal multi-head self-attention, then a 4·d GELU MLP, each added
 * to the residual stream), a final LayerNorm and the output projection.
 *
 * The output projection is tied to the token embedding (logits = h · wteᵀ), as in GPT-2: with a small
 * model the V × d matrix is a large share of the parameters, tying it keeps the shipped checkpoint small,
 * and each token row then learns from both ends (Press & Wolf 2017).
 *
 * All parameters live in ONE Float32Array (and their gradients in another of the same layout), so workers
 * can share them as SharedArrayBuffers, the optimizer sees one vector, and a checkpoint is one block.
 * forwardTrunk / backwardTrunk stop at the final LayerNorm's output so other heads (a scalar reward or a
 * value head) can sit on the same trunk.
 */
import { validateGptConfig, type GptConfig } from './config';
import {
  attentionBackward, attentionForward, embeddingBackward, embeddingForward, geluBackward, geluForward,
  layernormBackward, layernormForward, matmulBackward, matmulForward, residualBackward, residualForward,
  softmaxCrossEntropyBackward, softmaxCrossEntropyForward,
  type Tensor,
} from './ops';
import { Rng } from './rng';

/**
 * Dropout for training (Srivastava et al. 2014; GPT-2 / nanoGPT place it on the embeddings and on each
 * block's two residual branches): each value is zeroed with probability p and the rest scaled by 1/(1−p).
 * The masks of batch row b are drawn from rowSeeds[b] alone, so they do not depend on how a batch is split
 * over worker threads.
 */
export interface Dropout {
  p: number;
  rowSeeds: ArrayLike<number>;
}

/** Parameter tensors in storage order; per-block tensors are stacked over layers. */
export const PARAM_NAMES = [
  'wte', 'wpe', 'ln1w', 'ln1b', 'qkvw', 'qkvb', 'attprojw', 'attprojb',
  'ln2w', 'ln2b', 'fcw', 'fcb', 'fcprojw', 'fcprojb', 'lnfw', 'lnfb',
] as const;
export type ParamName = (typeof PARAM_NAMES)[number];

export function paramShapes(c: GptConfig): Record<ParamName, number[]> {
  const { vocabSize: V, context: T, layers: L, dim: C } = c;
  return {
    wte: [V, C], wpe: [T, C],
    ln1w: [L, C], ln1b: [L, C], qkvw: [L, 3 * C, C], qkvb: [L, 3 * C], attprojw: [L, C, C], attprojb: [L, C],
    ln2w: [L, C], ln2b: [L, C], fcw: [L, 4 * C, C], fcb: [L, 4 * C], fcprojw: [L, C, 4 * C], fcprojb: [L, C],
    lnfw: [C], lnfb: [C],
  };
}

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

export function paramCount(c: GptConfig): number {
  const shapes = paramShapes(c);
  return PARAM_NAMES.reduce((n, name) => n + size(shapes[name]), 0);
}

/** Named views into one flat buffer. */
export type ParamViews<A extends Tensor = Tensor> = Record<ParamName, A>;

export function paramViews<A extends Tensor>(c: GptConfig, flat: A): ParamViews<A> {
  const shapes = paramShapes(c);
  const views = {} as ParamViews<A>;
  let offset = 0;
  for (const name of PARAM_NAMES) {
    const n = size(shapes[name]);
    views[name] = flat.subarray(offset, offset + n) as A;
    offset += n;
  }
  return views;
}

/** Offsets of every tensor in the flat buffer (for export and for excluding tensors from weight decay). */
export function paramOffsets(c: GptConfig): Record<ParamName, [number, number]> {
  const shapes = paramShapes(c);
  const out = {} as Record<ParamName, [number, number]>;
  let offset = 0;
  for (const name of PARAM_NAMES) {
    const n = size(shapes[name]);
    out[name] = [offset, offset + n];
    offset += n;
  }
  return out;
}

/**
 * A 0/1 mask over the flat parameters: 1 where AdamW applies weight decay (the matrices and embeddings),
 * 0 for biases and LayerNorm gains, as in GPT-2 / nanoGPT.
 */
export function weightDecayMask(c: GptConfig): Uint8Array {
  const mask = new Uint8Array(paramCount(c));
  const offsets = paramOffsets(c);
  for (const name of ['wte', 'wpe', 'qkvw', 'attprojw', 'fcw', 'fcprojw'] as const) mask.fill(1, ...offsets[name]);
  return mask;
}

/** GPT-2 initialisation: N(0, 0.02) weights, residual projections scaled by 1/√(2L), zero biases, unit gains. */
export function initParams(c: GptConfig, flat: Tensor, rng: Rng): void {
  const p = paramViews(c, flat);
  const residualStd = 0.02 / Math.sqrt(2 * c.layers);
  const normal = (a: Tensor, std: number): void => {
    for (let i = 0; i < a.length; i++) a[i] = rng.normal() * std;
  };
  normal(p.wte, 0.02);
  normal(p.wpe, 0.01);
  normal(p.qkvw, 0.02);
  normal(p.attprojw, residualStd);
  normal(p.fcw, 0.02);
  normal(p.fcprojw, residualStd);
  for (const name of ['ln1w', 'ln2w', 'lnfw'] as const) p[name].fill(1);
  for (const name of ['ln1b', 'ln2b', 'lnfb', 'qkvb', 'attprojb', 'fcb', 'fcprojb'] as const) p[name].fill(0);
}

type TensorConstructor = Float32ArrayConstructor | Float64ArrayConstructor;

/** Activations of one forward pass for B sequences of length T (kept for the backward pass). */
class Activations {
  readonly encoded: Tensor;
  readonly ln1: Tensor; readonly ln1Mean: Tensor; readonly ln1Rstd: Tensor;
  readonly qkv: Tensor; readonly atty: Tensor; readonly att: Tensor;
  readonly attproj: Tensor; readonly residual2: Tensor;
  readonly ln2: Tensor; readonly ln2Mean: Tensor; readonly ln2Rstd: Tensor;
  readonly fch: Tensor; readonly fchGelu: Tensor; readonly fcproj: Tensor;
  readonly residual3: Tensor;
  readonly lnf: Tensor; readonly lnfMean: Tensor; readonly lnfRstd: Tensor;
  readonly logits: Tensor; readonly probs: Tensor; readonly losses: Tensor;

  constructor(c: GptConfig, readonly B: number, readonly T: number, Arr: TensorConstructor, withGradOnly = false) {
    const { layers: L, dim: C, heads: NH, vocabSize: V } = c;
    const N = B * T;
    this.encoded = new Arr(N * C);
    this.ln1 = new Arr(L * N * C);
    this.ln1Mean = new Arr(withGradOnly ? 0 : L * N);
    this.ln1Rstd = new Arr(withGradOnly ? 0 : L * N);
    this.qkv = new Arr(L * N * 3 * C);
    this.atty = new Arr(L * N * C);
    this.att = new Arr(withGradOnly ? 0 : L * B * NH * T * T);
    this.attproj = new Arr(L * N * C);
    this.residual2 = new Arr(L * N * C);
    this.ln2 = new Arr(L * N * C);
    this.ln2Mean = new Arr(withGradOnly ? 0 : L * N);
    this.ln2Rstd = new Arr(withGradOnly ? 0 : L * N);
    this.fch = new Arr(L * N * 4 * C);
    this.fchGelu = new Arr(L * N * 4 * C);
    this.fcproj = new Arr(L * N * C);
    this.residual3 = new Arr(L * N * C);
    this.lnf = new Arr(N * C);
    this.lnfMean = new Arr(withGradOnly ? 0 : N);
    this.lnfRstd = new Arr(withGradOnly ? 0 : N);
    this.logits = new Arr(N * V);
    this.probs = new Arr(withGradOnly ? 0 : N * V);
    this.losses = new Arr(withGradOnly ? 0 : N);
  }

  zero(): void {
    for (const a of Object.values(this)) if (a instanceof Float32Array || a instanceof Float64Array) a.fill(0);
  }
}

export interface ForwardResult {
  /** Mean loss over the counted positions (NaN when no targets were given). */
  loss: number;
  /** Σ of the counted positions' losses and how many there were (for combining worker halves). */
  lossSum: number;
  count: number;
}

export class Gpt {
  readonly config: GptConfig;
  readonly params: Tensor;
  readonly grads: Tensor;
  readonly p: ParamViews;
  readonly g: ParamViews;
  private acts: Activations | undefined;
  private dacts: Activations | undefined;
  private scratch: Tensor;
  private tokens: Int32Array = new Int32Array(0);
  private targets: Int32Array | null = null;
  private mask: Uint8Array | null = null;
  /** Dropout scale masks of the last forward pass ((1 + 2L) segments of B·T·dim), or null without dropout. */
  private dropMasks: Tensor | null = null;

  private readonly Arr: TensorConstructor;
  /** geluForward, or the one given (the GGUF test passes llama.cpp's half-precision table). */
  private readonly gelu: typeof geluForward;

  /**
   * params / grads may be views of shared memory; fresh zeroed arrays otherwise. float64 runs the same
   * code in double precision (for finite-difference gradient checks); gelu replaces geluForward in the forward pass.
   */
  constructor(config: GptConfig, options: { params?: Float32Array; grads?: Float32Array; float64?: boolean; gelu?: typeof geluForward } = {}) {
    this.config = validateGptConfig({ ...config });
    this.gelu = options.gelu ?? geluForward;
    const n = paramCount(this.config);
    const { params, grads } = options;
    if (params && params.length !== n) throw new RangeError(`tiny GPT: expected ${n} parameters, got ${params.length}`);
    if (grads && grads.length !== n) throw new RangeError(`tiny GPT: expected ${n} gradients, got ${grads.length}`);
    this.Arr = options.float64 ? Float64Array : Float32Array;
    this.params = params ?? new this.Arr(n);
    this.grads = grads ?? new this.Arr(n);
    this.p = paramViews(this.config, this.params);
    this.g = paramViews(this.config, this.grads);
    this.scratch = new this.Arr(this.config.context);
  }

  get numParams(): number {
    return this.params.length;
  }

  private activations(B: number, T: number): Activations {
    if (!this.acts || this.acts.B !== B || this.acts.T !== T) {
      this.acts = new Activations(this.config, B, T, this.Arr);
      this.dacts = undefined;
    }
    return this.acts;
  }

  /** Embeddings and blocks up to the final LayerNorm; returns its output h (B·T × dim). */
  forwardTrunk(tokens: ArrayLike<number>, B: number, T: number, dropout?: Dropout): Tensor {
    const { context, vocabSize: V, layers: L, heads: NH, dim: C } = this.config;
    if (!(T >= 1 && T <= context)) throw new RangeError(`tiny GPT: sequence length ${T} is outside 1…${context}`);
    if (tokens.length < B * T) throw new RangeError(`tiny GPT: ${B}×${T} tokens needed, got ${tokens.length}`);
    const N = B * T;
    this.tokens = Int32Array.from({ length: N }, (_, i) => {
      const id = tokens[i];
      if (!(id >= 0 && id < V)) throw new RangeError(`tiny GPT: token id ${id} is outside the vocabulary 0…${V - 1}`);
      return id;
    });
    const a = this.activations(B, T);
    const p = this.p;
    embeddingForward(a.encoded, this.tokens, p.wte, p.wpe, B, T, C);
    const drop = (this.dropMasks = dropout && dropout.p > 0 ? this.dropoutMasks(dropout, B, T) : null);
    const segment = (k: number): Tensor => drop!.subarray(k * N * C, (k + 1) * N * C);
    if (drop) scaleInPlace(a.encoded, segment(0));
    for (let l = 0; l < L; l++) {
      const residual = l === 0 ? a.encoded : a.residual3.subarray((l - 1) * N * C, l * N * C);
      const x = layerViews(a, l, N, C, B, NH, T);
      const w = blockParams(p, l, C);
      layernormForward(x.ln1, x.ln1Mean, x.ln1Rstd, residual, w.ln1w, w.ln1b, N, C);
      matmulForward(x.qkv, x.ln1, w.qkvw, w.qkvb, N, C, 3 * C);
      attentionForward(x.atty, x.att, x.qkv, B, T, C, NH);
      matmulForward(x.attproj, x.atty, w.attprojw, w.attprojb, N, C, C);
      if (drop) scaleInPlace(x.attproj, segment(1 + 2 * l));
      residualForward(x.residual2, residual, x.attproj, N * C);
      layernormForward(x.ln2, x.ln2Mean, x.ln2Rstd, x.residual2, w.ln2w, w.ln2b, N, C);
      matmulForward(x.fch, x.ln2, w.fcw, w.fcb, N, C, 4 * C);
      this.gelu(x.fchGelu, x.fch, N * 4 * C);
      matmulForward(x.fcproj, x.fchGelu, w.fcprojw, w.fcprojb, N, 4 * C, C);
      if (drop) scaleInPlace(x.fcproj, segment(2 + 2 * l));
      residualForward(x.residual3, x.residual2, x.fcproj, N * C);
    }
    const last = a.residual3.subarray((L - 1) * N * C, L * N * C);
    layernormForward(a.lnf, a.lnfMean, a.lnfRstd, last, p.lnfw, p.lnfb, N, C);
    return a.lnf;
  }

  /**
   * Full forward pass. With targets, computes the mean cross-entropy over positions whose mask is 1 (all
   * positions without a mask). Logits stay readable through `logits` until the next call.
   */
  forward(tokens: ArrayLike<number>, B: number, T: number, targets?: ArrayLike<number>, mask?: ArrayLike<number>, dropout?: Dropout): ForwardResult {
    const { vocabSize: V, dim: C } = this.config;
    const N = B * T;
    const h = this.forwardTrunk(tokens, B, T, dropout);
    const a = this.acts!;
    matmulForward(a.logits, h, this.p.wte, null, N, C, V);
    if (!targets) {
      this.targets = null;
      return { loss: NaN, lossSum: NaN, count: 0 };
    }
    this.targets = Int32Array.from({ length: N }, (_, i) => targets[i]);
    this.mask = mask ? Uint8Array.from({ length: N }, (_, i) => (mask[i] ? 1 : 0)) : null;
    softmaxCrossEntropyForward(a.losses, a.probs, a.logits, this.targets, this.mask, N, V);
    let lossSum = 0;
    let count = 0;
    for (let n = 0; n < N; n++) {
      if (this.mask && !this.mask[n]) continue;
      lossSum += a.losses[n];
      count++;
    }
    return { loss: count ? lossSum / count : NaN, lossSum, count };
  }

  /** Logits (B·T × V) of the last forward pass. */
  get logits(): Tensor {
    if (!this.acts) throw new Error('tiny GPT: no forward pass yet');
    return this.acts.logits;
  }

  /** Attention weights (L × B × heads × T × T) of the last forward pass. */
  get attention(): Tensor {
    if (!this.acts) throw new Error('tiny GPT: no forward pass yet');
    return this.acts.att;
  }

  /**
   * Adds the gradient of the loss of the last forward pass into `grads`. The loss is normalised by
   * `count` (default: this pass's own counted positions; a batch split over workers passes the total).
   */
  backward(count?: number): void {
    const a = this.acts;
    if (!a || !this.targets) throw new Error('tiny GPT: backward needs a forward pass with targets');
    const { vocabSize: V, dim: C } = this.config;
    const N = a.B * a.T;
    const d = this.gradActivations();
    const denominator = count ?? (this.mask ? this.mask.reduce((s, m) => s + m, 0) : N);
    d.logits.fill(0);
    softmaxCrossEntropyBackward(d.logits, a.probs, this.targets, this.mask, Math.max(1, denominator), N, V);
    d.lnf.fill(0);
    matmulBackward(d.lnf, this.g.wte, null, d.logits, a.lnf, this.p.wte, N, C, V);
    this.backwardTrunk(d.lnf);
  }

  /** Backward from a gradient on the trunk's output h (B·T × dim) of the last forward pass. */
  backwardTrunk(dh: Tensor): void {
    const a = this.acts;
    if (!a) throw new Error('tiny GPT: backward needs a forward pass');
    const { layers: L, heads: NH, dim: C } = this.config;
    const { B, T } = a;
    const N = B * T;
    const d = this.gradActivations();
    const p = this.p;
    const g = this.g;
    d.encoded.fill(0);
    d.residual3.fill(0);
    d.residual2.fill(0);
    d.ln1.fill(0); d.ln2.fill(0); d.qkv.fill(0); d.atty.fill(0); d.attproj.fill(0);
    d.fch.fill(0); d.fchGelu.fill(0); d.fcproj.fill(0);
    const drop = this.dropMasks;
    const segment = (k: number): Tensor => drop!.subarray(k * N * C, (k + 1) * N * C);
    const dlast = d.residual3.subarray((L - 1) * N * C, L * N * C);
    const last = a.residual3.subarray((L - 1) * N * C, L * N * C);
    layernormBackward(dlast, g.lnfw, g.lnfb, dh, last, p.lnfw, a.lnfMean, a.lnfRstd, N, C);
    for (let l = L - 1; l >= 0; l--) {
      const residual = l === 0 ? a.encoded : a.residual3.subarray((l - 1) * N * C, l * N * C);
      const dresidual = l === 0 ? d.encoded : d.residual3.subarray((l - 1) * N * C, l * N * C);
      const x = layerViews(a, l, N, C, B, NH, T);
      const dx = layerViews(d, l, N, C, B, NH, T);
      const w = blockParams(p, l, C);
      const dw = blockParams(g, l, C);
      residualBackward(dx.residual2, dx.fcproj, dx.residual3, N * C);
      if (drop) scaleInPlace(dx.fcproj, segment(2 + 2 * l));
      matmulBackward(dx.fchGelu, dw.fcprojw, dw.fcprojb, dx.fcproj, x.fchGelu, w.fcprojw, N, 4 * C, C);
      geluBackward(dx.fch, x.fch, dx.fchGelu, N * 4 * C);
      matmulBackward(dx.ln2, dw.fcw, dw.fcb, dx.fch, x.ln2, w.fcw, N, C, 4 * C);
      layernormBackward(dx.residual2, dw.ln2w, dw.ln2b, dx.ln2, x.residual2, w.ln2w, x.ln2Mean, x.ln2Rstd, N, C);
      residualBackward(dresidual, dx.attproj, dx.residual2, N * C);
      if (drop) scaleInPlace(dx.attproj, segment(1 + 2 * l));
      matmulBackward(dx.atty, dw.attprojw, dw.attprojb, dx.attproj, x.atty, w.attprojw, N, C, C);
      attentionBackward(dx.qkv, dx.atty, x.qkv, x.att, B, T, C, NH, this.scratch);
      matmulBackward(dx.ln1, dw.qkvw, dw.qkvb, dx.qkv, x.ln1, w.qkvw, N, C, 3 * C);
      layernormBackward(dresidual, dw.ln1w, dw.ln1b, dx.ln1, residual, w.ln1w, x.ln1Mean, x.ln1Rstd, N, C);
    }
    if (drop) scaleInPlace(d.encoded, segment(0));
    embeddingBackward(g.wte, g.wpe, d.encoded, this.tokens, B, T, C);
  }

  /** Scale masks (0 or 1/(1−p)) for the embeddings and every block's two branches, row by row. */
  private dropoutMasks({ p, rowSeeds }: Dropout, B: number, T: number): Tensor {
    if (!(p >= 0 && p < 1)) throw new RangeError(`tiny GPT: dropout must be in [0, 1) (got ${String(p)})`);
    if (rowSeeds.length < B) throw new RangeError(`tiny GPT: dropout needs a seed per row (${B}), got ${rowSeeds.length}`);
    const { layers: L, dim: C } = this.config;
    const rowSize = T * C;
    const segmentSize = B * rowSize;
    const segments = 1 + 2 * L;
    const masks = this.dropMasks?.length === segments * segmentSize ? this.dropMasks : new this.Arr(segments * segmentSize);
    for (let b = 0; b < B; b++) {
      const rng = new Rng(rowSeeds[b]);
      for (let k = 0; k < segments; k++) {
        const at = k * segmentSize + b * rowSize;
        fillDropoutMask(masks.subarray(at, at + rowSize), rng, p);
      }
    }
    return masks;
  }

  zeroGrad(): void {
    this.grads.fill(0);
  }

  private gradActivations(): Activations {
    const a = this.acts!;
    if (!this.dacts) this.dacts = new Activations(this.config, a.B, a.T, this.Arr, true);
    return this.dacts;
  }
}

/** Each entry 0 with probability p, else 1/(1−p), so the masked values keep their expected size. */
export function fillDropoutMask(mask: Tensor, rng: Rng, p: number): void {
  const keep = 1 / (1 - p);
  for (let i = 0; i < mask.length; i++) mask[i] = rng.next() < p ? 0 : keep;
}

function scaleInPlace(x: Tensor, by: Tensor): void {
  for (let i = 0; i < x.length; i++) x[i] *= by[i];
}

function layerViews(a: Activations, l: number, N: number, C: number, B: number, NH: number, T: number) {
  const s = (arr: Tensor, per: number): Tensor => (arr.length ? arr.subarray(l * per, (l + 1) * per) : arr);
  return {
    ln1: s(a.ln1, N * C), ln1Mean: s(a.ln1Mean, N), ln1Rstd: s(a.ln1Rstd, N),
    qkv: s(a.qkv, N * 3 * C), atty: s(a.atty, N * C), att: s(a.att, B * NH * T * T),
    attproj: s(a.attproj, N * C), residual2: s(a.residual2, N * C),
    ln2: s(a.ln2, N * C), ln2Mean: s(a.ln2Mean, N), ln2Rstd: s(a.ln2Rstd, N),
    fch: s(a.fch, N * 4 * C), fchGelu: s(a.fchGelu, N * 4 * C), fcproj: s(a.fcproj, N * C),
    residual3: s(a.residual3, N * C),
  };
}

function blockParams(p: ParamViews, l: number, C: number) {
  const s = (arr: Tensor, per: number): Tensor => arr.subarray(l * per, (l + 1) * per);
  return {
    ln1w: s(p.ln1w, C), ln1b: s(p.ln1b, C), qkvw: s(p.qkvw, 3 * C * C), qkvb: s(p.qkvb, 3 * C),
    attprojw: s(p.attprojw, C * C), attprojb: s(p.attprojb, C),
    ln2w: s(p.ln2w, C), ln2b: s(p.ln2b, C), fcw: s(p.fcw, 4 * C * C), fcb: s(p.fcb, 4 * C),
    fcprojw: s(p.fcprojw, 4 * C * C), fcprojb: s(p.fcprojb, C),
  };
}
