import assert from 'node:assert/strict';
import { fromHalf, toHalf } from '../../../src/tinygpt/checkpoint';
import { geluForward } from '../../../src/tinygpt/ops';
import { geluForwardGgml } from './ggmlGelu';

describe("GELU as llama.cpp's table (geluForwardGgml, the GGUF comparison's test helper)", () => {
  it('rounds input and output to half precision, 0 below −10, x above 10, and stays within half-precision error of GELU', () => {
    const inp = Float32Array.from([-11, -1.2345678, 0, 0.1, 1.0001, 3.3333333, 11]);
    const exact = new Float32Array(inp.length);
    const table = new Float32Array(inp.length);
    geluForward(exact, inp, inp.length);
    geluForwardGgml(table, inp, inp.length);
    assert.equal(table[0], 0);
    assert.equal(table[6], 11);
    assert.equal(table[2], 0);
    for (let i = 1; i < 6; i++) {
      // A half has 11 significant bits: the table value is a half, and differs from GELU by at most ~2 half ulps.
      assert.equal(table[i], fromHalf(toHalf(table[i])), `${inp[i]} → ${table[i]} is a half`);
      assert.ok(Math.abs(table[i] - exact[i]) <= Math.abs(exact[i]) * 2 ** -9 + 1e-7, `${inp[i]}: ${table[i]} vs ${exact[i]}`);
    }
    assert.notEqual(table[4], exact[4], 'rounding shows');
  });

  it("rounds an input halfway between two halves to the even one, as ggml's FP32→FP16 conversion does", () => {
    // 1 + 2⁻¹¹ lies halfway between the halves 1 and 1 + 2⁻¹⁰; −(1 + 3·2⁻¹¹) halfway between −(1 + 2⁻¹⁰) and −(1 + 2⁻⁹).
    const inp = Float32Array.from([1 + 2 ** -11, 1, -(1 + 3 * 2 ** -11), -(1 + 2 ** -9)]);
    const out = new Float32Array(inp.length);
    geluForwardGgml(out, inp, inp.length);
    assert.equal(out[0], out[1]);
    assert.equal(out[2], out[3]);
  });
});
