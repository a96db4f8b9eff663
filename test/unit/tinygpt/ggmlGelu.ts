import { fromHalf, toHalf } from '../../../src/tinygpt/checkpoint';
import type { Tensor } from '../../../src/tinygpt/ops';

const GELU_SCALE = Math.sqrt(2 / Math.PI);

/** A float rounded to the nearest IEEE half, ties to even (via float32, as ggml's GGML_FP32_TO_FP16), as a number. */
const roundHalf = (v: number): number => fromHalf(toHalf(v));

/**
 * GELU as llama.cpp's CPU backend computes it (ggml's GGML_GELU_FP16 table): the input rounded to half
 * precision, the table's half-precision output, 0 below −10 and x above 10. For comparing our logits with
 * llama.cpp's (gguf.test.ts: `new Gpt(config, { gelu: geluForwardGgml })`); the extension uses geluForward.
 */
export function geluForwardGgml(out: Tensor, inp: Tensor, N: number): void {
  for (let i = 0; i < N; i++) {
    const x = inp[i];
    const h = roundHalf(x);
    out[i] = x <= -10 ? 0 : x >= 10 ? x : roundHalf(0.5 * h * (1 + Math.tanh(GELU_SCALE * (h + 0.044715 * h * h * h))));
  }
}
