import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { GEMM_WASM_BASE64 } from '../../../src/tinygpt/gemmWasmBytes';
import {
  attentionBackward, attentionBackwardJs, attentionForward, attentionForwardJs, matmulBackward, matmulBackwardJs,
  matmulForward, matmulForwardJs, opsUseWasm,
} from '../../../src/tinygpt/ops';
import { Rng } from '../../../src/tinygpt/rng';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { assembleGemm } from '../../../scripts/gemmWasm.mjs';

// The float32 matmuls and attention run on the WebAssembly SIMD kernel (gemm.wat); the JavaScript loops are
// the reference. The kernel sums in float32, the loops in doubles, so they agree to float32 rounding of
// K-term sums: |difference| ≤ K · 2⁻²² · Σ|aₖbₖ| + one rounding of the result, checked per output.
const EPS = 2 ** -22;

function rand(n: number, rng: Rng, shared = false): Float32Array {
  const a = shared ? new Float32Array(new SharedArrayBuffer(4 * n)) : new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

function close(name: string, got: Float32Array, want: Float32Array, tolerance: (i: number) => number): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) {
    const tol = tolerance(i) + EPS * Math.abs(want[i]);
    assert.ok(Math.abs(got[i] - want[i]) <= tol, `${name}[${i}]: wasm ${got[i]} vs js ${want[i]} (tolerance ${tol})`);
  }
}

/** Shapes with odd sizes and sizes that are not multiples of the kernel's 4 × 8 block. */
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1], [1, 3, 5], [2, 7, 3], [3, 5, 9], [4, 8, 8], [5, 13, 17], [7, 4, 12], [9, 33, 31], [16, 32, 24], [13, 11, 40],
];

describe('tinygpt WebAssembly SIMD kernel', () => {
  it('embeds the bytes that gemm.wat assembles to (npm run gemm:wasm)', async () => {
    assert.equal(GEMM_WASM_BASE64, await assembleGemm());
  });

  it('is used on this Node (WebAssembly SIMD available)', () => {
    assert.equal(opsUseWasm, true);
  });

  it('falls back to the JavaScript loops where WebAssembly is missing (node --jitless)', () => {
    const ops = JSON.stringify(join(__dirname, '..', '..', '..', 'src', 'tinygpt', 'ops.ts'));
    const script = `const o = require(${ops}); const out = new Float32Array(2);
      o.matmulForward(out, Float32Array.of(1, 2, 3), Float32Array.of(1, 1, 1, 0, 1, 0), Float32Array.of(0.5, 0), 1, 3, 2);
      console.log(JSON.stringify({ wasm: o.opsUseWasm, out: Array.from(out) }));`;
    const reply = execFileSync(process.execPath, ['--jitless', '--require', 'tsx/cjs', '-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    assert.deepEqual(JSON.parse(reply), { wasm: false, out: [6.5, 2] });
  });

  it('matmulForward agrees with the JavaScript loops (with and without bias, shared memory)', () => {
    const rng = new Rng(1);
    for (const [N, C, OC] of SHAPES) {
      for (const withBias of [true, false]) {
        const inp = rand(N * C, rng, true);
        const weight = rand(OC * C, rng);
        const bias = withBias ? rand(OC, rng) : null;
        const got = new Float32Array(new SharedArrayBuffer(4 * N * OC)).fill(7);
        const want = new Float32Array(N * OC);
        matmulForward(got, inp, weight, bias, N, C, OC);
        matmulForwardJs(want, inp, weight, bias, N, C, OC);
        const abs = (i: number): number => {
          const n = Math.floor(i / OC), o = i % OC;
          let s = bias ? Math.abs(bias[o]) : 0;
          for (let c = 0; c < C; c++) s += Math.abs(inp[n * C + c] * weight[o * C + c]);
          return (C + 1) * EPS * s;
        };
        close(`forward ${N}×${C}×${OC}`, got, want, abs);
      }
    }
  });

  it('matmulBackward adds the same gradients as the JavaScript loops', () => {
    const rng = new Rng(2);
    for (const [N, C, OC] of SHAPES) {
      const dout = rand(N * OC, rng), inp = rand(N * C, rng), weight = rand(OC * C, rng);
      const start = { dinp: rand(N * C, rng), dweight: rand(OC * C, rng), dbias: rand(OC, rng) };
      const got = { dinp: start.dinp.slice(), dweight: start.dweight.slice(), dbias: start.dbias.slice() };
      const want = { dinp: start.dinp.slice(), dweight: start.dweight.slice(), dbias: start.dbias.slice() };
      matmulBackward(got.dinp, got.dweight, got.dbias, dout, inp, weight, N, C, OC);
      matmulBackwardJs(want.dinp, want.dweight, want.dbias, dout, inp, weight, N, C, OC);
      close(`dinp ${N}×${C}×${OC}`, got.dinp, want.dinp, (i) => {
        const n = Math.floor(i / C), c = i % C;
        let s = Math.abs(start.dinp[i]);
        for (let o = 0; o < OC; o++) s += Math.abs(dout[n * OC + o] * weight[o * C + c]);
        return (OC + 1) * EPS * s;
      });
      close(`dweight ${N}×${C}×${OC}`, got.dweight, want.dweight, (i) => {
        const o = Math.floor(i / C), c = i % C;
        let s = Math.abs(start.dweight[i]);
        for (let n = 0; n < N; n++) s += Math.abs(dout[n * OC + o] * inp[n * C + c]);
        return (N + 1) * EPS * s;
      });
      close(`dbias ${N}×${C}×${OC}`, got.dbias, want.dbias, (o) => {
        let s = Math.abs(start.dbias[o]);
        for (let n = 0; n < N; n++) s += Math.abs(dout[n * OC + o]);
        return (N + 1) * EPS * s;
      });
    }
  });

  it('a large product after small ones (the module memory grows) is still right', () => {
    const rng = new Rng(3);
    const [N, C, OC] = [96, 64, 1500];
    const inp = rand(N * C, rng), weight = rand(OC * C, rng);
    const got = new Float32Array(N * OC), want = new Float32Array(N * OC);
    matmulForward(got, inp, weight, null, N, C, OC);
    matmulForwardJs(want, inp, weight, null, N, C, OC);
    close('forward 96×64×1500', got, want, () => 64 * EPS * 64 * 4);
  });

  it('attention forward and backward agree with the JavaScript loops (odd head sizes and lengths)', () => {
    const rng = new Rng(4);
    for (const [B, T, C, NH] of [[1, 1, 4, 1], [2, 5, 12, 4], [3, 8, 16, 2], [1, 13, 9, 3], [2, 17, 32, 4]]) {
      const N = B * T;
      const inp = rand(N * 3 * C, rng);
      const got = { out: new Float32Array(N * C), att: new Float32Array(B * NH * T * T) };
      const want = { out: new Float32Array(N * C), att: new Float32Array(B * NH * T * T) };
      attentionForward(got.out, got.att, inp, B, T, C, NH);
      attentionForwardJs(want.out, want.att, inp, B, T, C, NH);
      const shape = `B ${B} T ${T} C ${C} heads ${NH}`;
      close(`att ${shape}`, got.att, want.att, () => 1e-5);
      close(`out ${shape}`, got.out, want.out, () => 1e-5 * T);
      const dout = rand(N * C, rng);
      const start = rand(N * 3 * C, rng);
      const dgot = start.slice(), dwant = start.slice();
      attentionBackward(dgot, dout, inp, want.att, B, T, C, NH, new Float32Array(T));
      attentionBackwardJs(dwant, dout, inp, want.att, B, T, C, NH, new Float32Array(T));
      close(`dinp ${shape}`, dgot, dwant, () => 1e-5 * T * (C / NH));
    }
  });

  it('gives bit-identical results run to run', () => {
    const rng = new Rng(5);
    const [N, C, OC] = [37, 29, 43];
    const dout = rand(N * OC, rng), inp = rand(N * C, rng), weight = rand(OC * C, rng);
    const run = (): Float32Array[] => {
      const dinp = new Float32Array(N * C), dweight = new Float32Array(OC * C), out = new Float32Array(N * OC);
      matmulForward(out, inp, weight, null, N, C, OC);
      matmulBackward(dinp, dweight, null, dout, inp, weight, N, C, OC);
      return [out, dinp, dweight];
    };
    assert.deepEqual(run(), run());
  });
});
