/**
 * matmulForward / matmulBackward and attentionForward / attentionBackward for float32 tensors on the
 * WebAssembly SIMD kernel of gemm.wat (out += A · B, 4 × 8 outputs per block in f32x4 registers; the
 * softmax between the attention's products stays in JavaScript). The operands are copied into the module's
 * memory and the results copied back (typed-array copies: a few per cent of the product's time at the tiny
 * GPT's sizes); every thread that imports ops.ts instantiates its own module. Where WebAssembly SIMD is
 * missing, createWasmGemm() returns null and ops.ts keeps its JavaScript loops.
 *
 * Each output is one float32 sum in a fixed order (k = 0, 1, …), so runs are reproducible; results differ
 * from the JavaScript loops (which sum in doubles) in the last bits.
 */
import { GEMM_WASM_BASE64 } from './gemmWasmBytes';

interface GemmExports {
  memory: WebAssembly.Memory;
  /** out (M × N, row stride ldo) += A · B; A's element (i, k) at a + i·sai + k·sak; B (K × N, row stride ldb); bytes. */
  gemm(out: number, ldo: number, a: number, sai: number, sak: number, b: number, ldb: number, M: number, K: number, N: number): void;
  /** dst (cols × rows) = srcᵀ, both contiguous; bytes. */
  transpose(dst: number, src: number, rows: number, cols: number): void;
}

/** Regions in the module's memory are aligned to 16 floats (64 bytes, one cache line). */
const align = (floats: number): number => (floats + 15) & ~15;

export class WasmGemm {
  private heap: Float32Array;

  private constructor(private readonly kernel: GemmExports) {
    this.heap = new Float32Array(kernel.memory.buffer);
  }

  /** The kernel, or null where WebAssembly SIMD cannot be compiled here. */
  static create(): WasmGemm | null {
    try {
      const bytes = Uint8Array.from(atob(GEMM_WASM_BASE64), (c) => c.charCodeAt(0));
      if (typeof WebAssembly !== 'object' || !WebAssembly.validate(bytes)) return null;
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
      return new WasmGemm(instance.exports as unknown as GemmExports);
    } catch {
      return null;
    }
  }

  /** Float offsets of regions of the given sizes, growing the memory to hold them all. */
  private layout(...sizes: number[]): number[] {
    const offsets: number[] = [];
    let end = 0;
    for (const s of sizes) {
      offsets.push(end);
      end += align(s);
    }
    const bytes = end * 4;
    const memory = this.kernel.memory;
    if (memory.buffer.byteLength < bytes) {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
      this.heap = new Float32Array(memory.buffer);
    }
    return offsets;
  }

  /** out (N, OC) = inp (N, C) · weightᵀ + bias; weight (OC, C) is transposed into the module's memory. */
  matmulForward(out: Float32Array, inp: Float32Array, weight: Float32Array, bias: Float32Array | null, N: number, C: number, OC: number): void {
    const [o, x, w, wT] = this.layout(N * OC, N * C, OC * C, C * OC);
    const heap = this.heap;
    if (bias) for (let n = 0; n < N; n++) heap.set(bias.subarray(0, OC), o + n * OC);
    else heap.fill(0, o, o + N * OC);
    heap.set(inp.subarray(0, N * C), x);
    heap.set(weight.subarray(0, OC * C), w);
    this.kernel.transpose(4 * wT, 4 * w, OC, C);
    this.kernel.gemm(4 * o, 4 * OC, 4 * x, 4 * C, 4, 4 * wT, 4 * OC, N, C, OC);
    out.set(heap.subarray(o, o + N * OC));
  }

  /**
   * dinp (N, C) += dout · weight;  dweight (OC, C) += doutᵀ · inp (dout read down its columns, no
   * transpose);  dbias += 1 · dout, a row of ones (one float read with stride 0) times dout.
   */
  matmulBackward(dinp: Float32Array, dweight: Float32Array, dbias: Float32Array | null, dout: Float32Array, inp: Float32Array, weight: Float32Array, N: number, C: number, OC: number): void {
    const [g, w, x, dx, dw, db, one] = this.layout(N * OC, OC * C, N * C, N * C, OC * C, OC, 1);
    const heap = this.heap;
    heap.set(dout.subarray(0, N * OC), g);
    heap.set(weight.subarray(0, OC * C), w);
    heap.set(inp.subarray(0, N * C), x);
    heap.set(dinp.subarray(0, N * C), dx);
    heap.set(dweight.subarray(0, OC * C), dw);
    this.kernel.gemm(4 * dx, 4 * C, 4 * g, 4 * OC, 4, 4 * w, 4 * C, N, OC, C);
    this.kernel.gemm(4 * dw, 4 * C, 4 * g, 4, 4 * OC, 4 * x, 4 * C, OC, N, C);
    dinp.set(heap.subarray(dx, dx + N * C));
    dweight.set(heap.subarray(dw, dw + OC * C));
    if (dbias) {
      heap.set(dbias.subarray(0, OC), db);
      heap[one] = 1;
      this.kernel.gemm(4 * db, 4 * OC, 4 * one, 0, 0, 4 * g, 4 * OC, 1, N, OC);
      dbias.set(heap.subarray(db, db + OC));
    }
  }

  /** Copies src's (rows × cols) block at float offset from, row stride ld, transposed into dst (cols × rows). */
  private transposeInHeap(dst: number, from: number, ld: number, rows: number, cols: number): void {
    const heap = this.heap;
    for (let r = 0; r < rows; r++) {
      const s = from + r * ld;
      for (let c = 0; c < cols; c++) heap[dst + c * rows + r] = heap[s + c];
    }
  }

  /**
   * attentionForward of ops.ts: per sequence and head, scores = q · kᵀ and out = att · v on the kernel
   * (q, v and out read and written in place in the fused rows), the scaled causal softmax in between.
   */
  attentionForward(out: Float32Array, att: Float32Array, inp: Float32Array, B: number, T: number, C: number, NH: number): void {
    const hs = C / NH;
    const C3 = 3 * C;
    const N = B * T;
    const scale = 1 / Math.sqrt(hs);
    const [x, a, o, kT] = this.layout(N * C3, B * NH * T * T, N * C, hs * T);
    const heap = this.heap;
    const gemm = this.kernel.gemm;
    heap.set(inp.subarray(0, N * C3), x);
    heap.fill(0, a, a + B * NH * T * T);
    heap.fill(0, o, o + N * C);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < NH; h++) {
        const q = x + b * T * C3 + h * hs;
        const ah = a + (b * NH + h) * T * T;
        this.transposeInHeap(kT, q + C, C3, T, hs);
        gemm(4 * ah, 4 * T, 4 * q, 4 * C3, 4, 4 * kT, 4 * T, T, hs, T);
        for (let t = 0; t < T; t++) {
          const r = ah + t * T;
          let max = -Infinity;
          for (let t2 = 0; t2 <= t; t2++) {
            const s = heap[r + t2] * scale;
            if (s > max) max = s;
          }
          let sum = 0;
          for (let t2 = 0; t2 <= t; t2++) {
            const e = Math.exp(heap[r + t2] * scale - max);
            heap[r + t2] = e;
            sum += e;
          }
          const inv = 1 / sum;
          for (let t2 = 0; t2 <= t; t2++) heap[r + t2] *= inv;
          heap.fill(0, r + t + 1, r + T);
        }
        gemm(4 * (o + b * T * C + h * hs), 4 * C, 4 * ah, 4 * T, 4, 4 * (q + 2 * C), 4 * C3, T, T, hs);
      }
    }
    out.set(heap.subarray(o, o + N * C));
    att.set(heap.subarray(a, a + B * NH * T * T));
  }

  /**
   * attentionBackward of ops.ts: dv += attᵀ · dout, datt = dout · vᵀ, the softmax's backward, then
   * dq += dpre · k and dk += dpreᵀ · q, per sequence and head.
   */
  attentionBackward(dinp: Float32Array, dout: Float32Array, inp: Float32Array, att: Float32Array, B: number, T: number, C: number, NH: number): void {
    const hs = C / NH;
    const C3 = 3 * C;
    const N = B * T;
    const scale = 1 / Math.sqrt(hs);
    const [x, a, dx, g, vT, d] = this.layout(N * C3, B * NH * T * T, N * C3, N * C, hs * T, T * T);
    const heap = this.heap;
    const gemm = this.kernel.gemm;
    heap.set(inp.subarray(0, N * C3), x);
    heap.set(att.subarray(0, B * NH * T * T), a);
    heap.set(dinp.subarray(0, N * C3), dx);
    heap.set(dout.subarray(0, N * C), g);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < NH; h++) {
        const q = x + b * T * C3 + h * hs;
        const dq = dx + b * T * C3 + h * hs;
        const gh = g + b * T * C + h * hs;
        const ah = a + (b * NH + h) * T * T;
        gemm(4 * (dq + 2 * C), 4 * C3, 4 * ah, 4, 4 * T, 4 * gh, 4 * C, T, T, hs);
        this.transposeInHeap(vT, q + 2 * C, C3, T, hs);
        heap.fill(0, d, d + T * T);
        gemm(4 * d, 4 * T, 4 * gh, 4 * C, 4, 4 * vT, 4 * T, T, hs, T);
        for (let t = 0; t < T; t++) {
          const r = d + t * T;
          const w = ah + t * T;
          let dot = 0;
          for (let t2 = 0; t2 <= t; t2++) dot += heap[w + t2] * heap[r + t2];
          for (let t2 = 0; t2 <= t; t2++) heap[r + t2] = heap[w + t2] * (heap[r + t2] - dot) * scale;
          heap.fill(0, r + t + 1, r + T);
        }
        gemm(4 * dq, 4 * C3, 4 * d, 4 * T, 4, 4 * (q + C), 4 * C3, T, T, hs);
        gemm(4 * (dq + C), 4 * C3, 4 * d, 4, 4 * T, 4 * q, 4 * C3, T, T, hs);
      }
    }
    dinp.set(heap.subarray(dx, dx + N * C3));
  }
}
