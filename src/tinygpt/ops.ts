/**
 * The tiny GPT's operations, each as a forward and a backward function written out by hand, in the manner
 * of Karpathy's llm.c (train_gpt2.c). Tensors are flat Tensors in row-major (B, T, C) order; every
 * backward ADDS into its gradient buffers (+=), so a buffer used twice (the residual stream, a tied
 * embedding) collects both contributions and the caller zeroes gradients once per step.
 *
 * Shapes: N = B·T rows; C channels; OC output channels; V vocabulary; NH heads of hs = C / NH.
 * Linear weights are stored (OC, C), one row per output feature — the layout of GPT-2 checkpoints and GGUF.
 * Sums run in JS doubles and are stored as float32 (Float64Array works too: the gradient checks use it),
 * except float32 matmuls, which run on a WebAssembly SIMD kernel with float32 sums (gemm.wat, gemmWasm.ts).
 */

import { WasmGemm } from './gemmWasm';

/** A flat tensor: float32 for training, float64 for finite-difference checks. */
export type Tensor = Float32Array | Float64Array;

/** out[n, :] = wte[tokens[n], :] + wpe[n mod T, :] */
export function embeddingForward(out: Tensor, tokens: ArrayLike<number>, wte: Tensor, wpe: Tensor, B: number, T: number, C: number): void {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const o = (b * T + t) * C;
      const ti = tokens[b * T + t] * C;
      const pi = t * C;
      for (let c = 0; c < C; c++) out[o + c] = wte[ti + c] + wpe[pi + c];
    }
  }
}

export function embeddingBackward(dwte: Tensor, dwpe: Tensor, dout: Tensor, tokens: ArrayLike<number>, B: number, T: number, C: number): void {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const o = (b * T + t) * C;
      const ti = tokens[b * T + t] * C;
      const pi = t * C;
      for (let c = 0; c < C; c++) {
        const d = dout[o + c];
        dwte[ti + c] += d;
        dwpe[pi + c] += d;
      }
    }
  }
}

export const LAYERNORM_EPS = 1e-5;

/** y = (x − mean) / sqrt(var + eps) · w + b per row; mean and 1/std are kept for the backward pass. */
export function layernormForward(out: Tensor, mean: Tensor, rstd: Tensor, inp: Tensor, weight: Tensor, bias: Tensor, N: number, C: number): void {
  for (let n = 0; n < N; n++) {
    const x = n * C;
    let m = 0;
    for (let c = 0; c < C; c++) m += inp[x + c];
    m /= C;
    let v = 0;
    for (let c = 0; c < C; c++) {
      const d = inp[x + c] - m;
      v += d * d;
    }
    v /= C;
    const s = 1 / Math.sqrt(v + LAYERNORM_EPS);
    for (let c = 0; c < C; c++) out[x + c] = (inp[x + c] - m) * s * weight[c] + bias[c];
    mean[n] = m;
    rstd[n] = s;
  }
}

/**
 * With x̂ = (x − mean)·rstd and g = dy·w:  dx = rstd · (g − mean(g) − x̂ · mean(g·x̂)),
 * dw += dy·x̂, db += dy.
 */
export function layernormBackward(dinp: Tensor, dweight: Tensor, dbias: Tensor, dout: Tensor, inp: Tensor, weight: Tensor, mean: Tensor, rstd: Tensor, N: number, C: number): void {
  for (let n = 0; n < N; n++) {
    const x = n * C;
    const m = mean[n];
    const s = rstd[n];
    let gMean = 0;
    let gxMean = 0;
    for (let c = 0; c < C; c++) {
      const xhat = (inp[x + c] - m) * s;
      const g = dout[x + c] * weight[c];
      gMean += g;
      gxMean += g * xhat;
    }
    gMean /= C;
    gxMean /= C;
    for (let c = 0; c < C; c++) {
      const xhat = (inp[x + c] - m) * s;
      const dy = dout[x + c];
      dbias[c] += dy;
      dweight[c] += dy * xhat;
      dinp[x + c] += s * (dy * weight[c] - gMean - xhat * gxMean);
    }
  }
}

/**
 * The WebAssembly SIMD matrix product (gemm.wat) that float32 matmuls and attention run on, several times
 * the JavaScript loops below; null where WebAssembly SIMD is unavailable. Float64 tensors (gradient checks)
 * always take the loops.
 */
const wasmGemm = WasmGemm.create();

/** Whether float32 matmuls and attention run on the WebAssembly SIMD kernel here. */
export const opsUseWasm = wasmGemm !== null;

/** True when every tensor given is float32 (a null bias counts as float32). */
function float32(...tensors: Array<Tensor | null>): boolean {
  for (const t of tensors) if (t && !(t instanceof Float32Array)) return false;
  return true;
}

/**
 * out (N, OC) = inp (N, C) · weightᵀ + bias. Below 4 rows (decoding one token with the key/value cache)
 * the JavaScript loops win: the kernel's copy and transpose of the weight would cost more than the product.
 */
export function matmulForward(out: Tensor, inp: Tensor, weight: Tensor, bias: Tensor | null, N: number, C: number, OC: number): void {
  if (wasmGemm && N >= 4 && float32(out, inp, weight, bias)) {
    wasmGemm.matmulForward(out as Float32Array, inp as Float32Array, weight as Float32Array, bias as Float32Array | null, N, C, OC);
  } else {
    matmulForwardJs(out, inp, weight, bias, N, C, OC);
  }
}

/**
 * matmulForward in JavaScript (the fallback, and the reference the kernel is tested against). Both operands
 * are read along contiguous rows; each pass computes a 2 × 4 block of outputs so every loaded value is used
 * several times (register blocking).
 */
export function matmulForwardJs(out: Tensor, inp: Tensor, weight: Tensor, bias: Tensor | null, N: number, C: number, OC: number): void {
  let n = 0;
  for (; n + 1 < N; n += 2) {
    const x0 = n * C;
    const x1 = x0 + C;
    let o = 0;
    for (; o + 3 < OC; o += 4) {
      const w0 = o * C;
      const w1 = w0 + C;
      const w2 = w1 + C;
      const w3 = w2 + C;
      let a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;
      for (let c = 0; c < C; c++) {
        const i0 = inp[x0 + c];
        const i1 = inp[x1 + c];
        const v0 = weight[w0 + c];
        const v1 = weight[w1 + c];
        const v2 = weight[w2 + c];
        const v3 = weight[w3 + c];
        a00 += i0 * v0; a01 += i0 * v1; a02 += i0 * v2; a03 += i0 * v3;
        a10 += i1 * v0; a11 += i1 * v1; a12 += i1 * v2; a13 += i1 * v3;
      }
      const r0 = n * OC + o;
      const r1 = r0 + OC;
      if (bias) {
        const b0 = bias[o], b1 = bias[o + 1], b2 = bias[o + 2], b3 = bias[o + 3];
        a00 += b0; a01 += b1; a02 += b2; a03 += b3;
        a10 += b0; a11 += b1; a12 += b2; a13 += b3;
      }
      out[r0] = a00; out[r0 + 1] = a01; out[r0 + 2] = a02; out[r0 + 3] = a03;
      out[r1] = a10; out[r1 + 1] = a11; out[r1 + 2] = a12; out[r1 + 3] = a13;
    }
    for (; o < OC; o++) {
      const w = o * C;
      let a0 = bias ? bias[o] : 0;
      let a1 = a0;
      for (let c = 0; c < C; c++) {
        a0 += inp[x0 + c] * weight[w + c];
        a1 += inp[x1 + c] * weight[w + c];
      }
      out[n * OC + o] = a0;
      out[(n + 1) * OC + o] = a1;
    }
  }
  for (; n < N; n++) {
    const x = n * C;
    for (let o = 0; o < OC; o++) {
      const w = o * C;
      let a = bias ? bias[o] : 0;
      for (let c = 0; c < C; c++) a += inp[x + c] * weight[w + c];
      out[n * OC + o] = a;
    }
  }
}

/** out (M, N) += A (M, K) · B (N, K)ᵀ, both read along rows, a 2 × 4 block of sums at a time. */
function gemmNTAccumulate(out: Tensor, A: Tensor, Bm: Tensor, M: number, K: number, N: number): void {
  let m = 0;
  for (; m + 1 < M; m += 2) {
    const x0 = m * K;
    const x1 = x0 + K;
    let o = 0;
    for (; o + 3 < N; o += 4) {
      const w0 = o * K, w1 = w0 + K, w2 = w1 + K, w3 = w2 + K;
      let a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;
      for (let k = 0; k < K; k++) {
        const i0 = A[x0 + k];
        const i1 = A[x1 + k];
        const v0 = Bm[w0 + k], v1 = Bm[w1 + k], v2 = Bm[w2 + k], v3 = Bm[w3 + k];
        a00 += i0 * v0; a01 += i0 * v1; a02 += i0 * v2; a03 += i0 * v3;
        a10 += i1 * v0; a11 += i1 * v1; a12 += i1 * v2; a13 += i1 * v3;
      }
      const r0 = m * N + o;
      const r1 = r0 + N;
      out[r0] += a00; out[r0 + 1] += a01; out[r0 + 2] += a02; out[r0 + 3] += a03;
      out[r1] += a10; out[r1 + 1] += a11; out[r1 + 2] += a12; out[r1 + 3] += a13;
    }
    for (; o < N; o++) {
      const w = o * K;
      let a0 = 0, a1 = 0;
      for (let k = 0; k < K; k++) {
        a0 += A[x0 + k] * Bm[w + k];
        a1 += A[x1 + k] * Bm[w + k];
      }
      out[m * N + o] += a0;
      out[(m + 1) * N + o] += a1;
    }
  }
  for (; m < M; m++) {
    for (let o = 0; o < N; o++) {
      let a = 0;
      for (let k = 0; k < K; k++) a += A[m * K + k] * Bm[o * K + k];
      out[m * N + o] += a;
    }
  }
}

/** dst (cols, rows) = srcᵀ for src (rows, cols). */
function transpose(dst: Tensor, src: Tensor, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const s = r * cols;
    for (let c = 0; c < cols; c++) dst[c * rows + r] = src[s + c];
  }
}

let scratchA: Tensor = new Float32Array(0);
let scratchB: Tensor = new Float32Array(0);
function scratch(which: 'a' | 'b', like: Tensor, n: number): Tensor {
  const cur = which === 'a' ? scratchA : scratchB;
  if (cur.length >= n && cur.constructor === like.constructor) return cur.subarray(0, n);
  const fresh = like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
  if (which === 'a') scratchA = fresh;
  else scratchB = fresh;
  return fresh;
}

/** dinp (N, C) += dout · weight;  dweight (OC, C) += doutᵀ · inp;  dbias += Σₙ dout. */
export function matmulBackward(dinp: Tensor, dweight: Tensor, dbias: Tensor | null, dout: Tensor, inp: Tensor, weight: Tensor, N: number, C: number, OC: number): void {
  if (wasmGemm && float32(dinp, dweight, dbias, dout, inp, weight)) {
    wasmGemm.matmulBackward(dinp as Float32Array, dweight as Float32Array, dbias as Float32Array | null, dout as Float32Array, inp as Float32Array, weight as Float32Array, N, C, OC);
  } else {
    matmulBackwardJs(dinp, dweight, dbias, dout, inp, weight, N, C, OC);
  }
}

/**
 * matmulBackward in JavaScript (the fallback and the reference). Transposing weight, dout and inp first
 * (O(N·C) work) turns both products into the forward pass's row-by-row dot products, so the O(N·C·OC)
 * inner loops keep their sums in registers.
 */
export function matmulBackwardJs(dinp: Tensor, dweight: Tensor, dbias: Tensor | null, dout: Tensor, inp: Tensor, weight: Tensor, N: number, C: number, OC: number): void {
  const wT = scratch('a', weight, OC * C);
  transpose(wT, weight, OC, C);
  gemmNTAccumulate(dinp, dout, wT, N, OC, C);
  const doutT = scratch('a', dout, OC * N);
  transpose(doutT, dout, N, OC);
  const inpT = scratch('b', inp, C * N);
  transpose(inpT, inp, N, C);
  gemmNTAccumulate(dweight, doutT, inpT, OC, N, C);
  if (dbias) {
    for (let o = 0; o < OC; o++) {
      let s = 0;
      const r = o * N;
      for (let n = 0; n < N; n++) s += doutT[r + n];
      dbias[o] += s;
    }
  }
}

/**
 * Causal multi-head self-attention. inp is the fused (B, T, 3C) projection [q | k | v]; out is (B, T, C)
 * with the heads side by side. att (B, NH, T, T) keeps the softmax weights for the backward pass (and for
 * showing a head's pattern); entries above the diagonal stay 0.
 *   att[t, t2] = softmax_t2≤t (q_t · k_t2 / √hs),  out_t = Σ_t2 att[t, t2] · v_t2
 */
export function attentionForward(out: Tensor, att: Tensor, inp: Tensor, B: number, T: number, C: number, NH: number): void {
  if (wasmGemm && float32(out, att, inp)) wasmGemm.attentionForward(out as Float32Array, att as Float32Array, inp as Float32Array, B, T, C, NH);
  else attentionForwardJs(out, att, inp, B, T, C, NH);
}

/** attentionForward in JavaScript (the fallback and the reference). */
export function attentionForwardJs(out: Tensor, att: Tensor, inp: Tensor, B: number, T: number, C: number, NH: number): void {
  const hs = C / NH;
  const C3 = 3 * C;
  const scale = 1 / Math.sqrt(hs);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      for (let t = 0; t < T; t++) {
        const q = (b * T + t) * C3 + h * hs;
        const a = ((b * NH + h) * T + t) * T;
        let max = -Infinity;
        for (let t2 = 0; t2 <= t; t2++) {
          const k = (b * T + t2) * C3 + C + h * hs;
          let dot = 0;
          for (let i = 0; i < hs; i++) dot += inp[q + i] * inp[k + i];
          dot *= scale;
          att[a + t2] = dot;
          if (dot > max) max = dot;
        }
        let sum = 0;
        for (let t2 = 0; t2 <= t; t2++) {
          const e = Math.exp(att[a + t2] - max);
          att[a + t2] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let t2 = 0; t2 <= t; t2++) att[a + t2] *= inv;
        for (let t2 = t + 1; t2 < T; t2++) att[a + t2] = 0;
        const o = (b * T + t) * C + h * hs;
        for (let i = 0; i < hs; i++) out[o + i] = 0;
        for (let t2 = 0; t2 <= t; t2++) {
          const v = (b * T + t2) * C3 + 2 * C + h * hs;
          const w = att[a + t2];
          for (let i = 0; i < hs; i++) out[o + i] += w * inp[v + i];
        }
      }
    }
  }
}

/**
 * Backward through out = att·v, the softmax (datt → dpreatt: att ⊙ (datt − Σ att·datt), the O(T) form of
 * llm.c's Jacobian loop) and preatt = q·k/√hs. scratch holds one row of T.
 */
export function attentionBackward(dinp: Tensor, dout: Tensor, inp: Tensor, att: Tensor, B: number, T: number, C: number, NH: number, scratch: Tensor): void {
  if (wasmGemm && float32(dinp, dout, inp, att)) {
    wasmGemm.attentionBackward(dinp as Float32Array, dout as Float32Array, inp as Float32Array, att as Float32Array, B, T, C, NH);
  } else {
    attentionBackwardJs(dinp, dout, inp, att, B, T, C, NH, scratch);
  }
}

/** attentionBackward in JavaScript (the fallback and the reference). */
export function attentionBackwardJs(dinp: Tensor, dout: Tensor, inp: Tensor, att: Tensor, B: number, T: number, C: number, NH: number, scratch: Tensor): void {
  const hs = C / NH;
  const C3 = 3 * C;
  const scale = 1 / Math.sqrt(hs);
  const datt = scratch;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      for (let t = 0; t < T; t++) {
        const a = ((b * NH + h) * T + t) * T;
        const o = (b * T + t) * C + h * hs;
        // out_t = Σ att[t2] v_t2
        let dot = 0;
        for (let t2 = 0; t2 <= t; t2++) {
          const v = (b * T + t2) * C3 + 2 * C + h * hs;
          const w = att[a + t2];
          let d = 0;
          for (let i = 0; i < hs; i++) {
            const g = dout[o + i];
            d += inp[v + i] * g;
            dinp[v + i] += w * g;
          }
          datt[t2] = d;
          dot += w * d;
        }
        // softmax, then q·k
        const q = (b * T + t) * C3 + h * hs;
        for (let t2 = 0; t2 <= t; t2++) {
          const dpre = att[a + t2] * (datt[t2] - dot) * scale;
          const k = (b * T + t2) * C3 + C + h * hs;
          for (let i = 0; i < hs; i++) {
            dinp[q + i] += inp[k + i] * dpre;
            dinp[k + i] += inp[q + i] * dpre;
          }
        }
      }
    }
  }
}

const GELU_SCALE = Math.sqrt(2 / Math.PI);

/**
 * GELU, tanh approximation as in GPT-2: 0.5·x·(1 + tanh(u)) with u = √(2/π)(x + 0.044715x³). Computed as
 * x·σ(2u) = x / (1 + e^(−2u)), the same function (0.5·(1 + tanh u) = σ(2u)) with one Math.exp, about twice
 * as fast as Math.tanh; e^(−2u) overflowing to ∞ gives 0, as tanh → −1 does.
 */
export function geluForward(out: Tensor, inp: Tensor, N: number): void {
  for (let i = 0; i < N; i++) {
    const x = inp[i];
    out[i] = x / (1 + Math.exp(-2 * GELU_SCALE * (x + 0.044715 * x * x * x)));
  }
}

/**
 * d GELU / dx = 0.5·(1 + tanh u) + 0.5·x·sech²u · u′ with u′ = √(2/π)(1 + 3·0.044715x²); with s = σ(2u):
 * 0.5·(1 + tanh u) = s and 0.5·sech²u = 2·s·(1 − s), so = s + 2·x·s·(1 − s)·u′ (one Math.exp).
 */
export function geluBackward(dinp: Tensor, inp: Tensor, dout: Tensor, N: number): void {
  for (let i = 0; i < N; i++) {
    const x = inp[i];
    const s = 1 / (1 + Math.exp(-2 * GELU_SCALE * (x + 0.044715 * x * x * x)));
    const local = s + 2 * x * s * (1 - s) * GELU_SCALE * (1 + 3 * 0.044715 * x * x);
    dinp[i] += local * dout[i];
  }
}

/** out = a + b (the residual stream). */
export function residualForward(out: Tensor, a: Tensor, b: Tensor, N: number): void {
  for (let i = 0; i < N; i++) out[i] = a[i] + b[i];
}

export function residualBackward(da: Tensor, db: Tensor, dout: Tensor, N: number): void {
  for (let i = 0; i < N; i++) {
    da[i] += dout[i];
    db[i] += dout[i];
  }
}

/**
 * Softmax over each row of logits (N, V) into probs, and the cross-entropy −log p(target) per row into
 * losses. Rows whose mask is 0 get loss 0 (a prompt under SFT, padding); a null mask counts every row.
 */
export function softmaxCrossEntropyForward(losses: Tensor, probs: Tensor, logits: Tensor, targets: ArrayLike<number>, mask: ArrayLike<number> | null, N: number, V: number): void {
  for (let n = 0; n < N; n++) {
    const r = n * V;
    let max = -Infinity;
    for (let v = 0; v < V; v++) if (logits[r + v] > max) max = logits[r + v];
    let sum = 0;
    for (let v = 0; v < V; v++) {
      const e = Math.exp(logits[r + v] - max);
      probs[r + v] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let v = 0; v < V; v++) probs[r + v] *= inv;
    losses[n] = mask && !mask[n] ? 0 : -(logits[r + targets[n]] - max - Math.log(sum));
  }
}

/**
 * The loss is Σₙ maskₙ · lossₙ / count: dlogits[n, v] += (p[n, v] − [v = targetₙ]) · maskₙ / count.
 * count is passed in because a batch split over workers must share one denominator.
 */
export function softmaxCrossEntropyBackward(dlogits: Tensor, probs: Tensor, targets: ArrayLike<number>, mask: ArrayLike<number> | null, count: number, N: number, V: number): void {
  const scale = 1 / count;
  for (let n = 0; n < N; n++) {
    if (mask && !mask[n]) continue;
    const r = n * V;
    for (let v = 0; v < V; v++) dlogits[r + v] += probs[r + v] * scale;
    dlogits[r + targets[n]] -= scale;
  }
}
