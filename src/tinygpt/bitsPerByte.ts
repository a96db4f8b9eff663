/**
 * Bits per byte of held-out text: the model's total surprisal −Σ log₂ p(token | what came before) divided
 * by the text's UTF-8 bytes. Unlike loss per token it does not depend on the tokenizer, so a byte-level
 * BPE transformer and a word/character n-gram can be compared on the same text.
 */
import type { Gpt } from './model';

/**
 * The transformer's bits per byte of `ids` (the encoding of a text of `bytes` bytes). Long texts are read
 * with a sliding window of half-context strides, so every token past the first half-window is predicted
 * from at least context/2 tokens before it.
 */
export function transformerBitsPerByte(model: Gpt, ids: number[], bytes: number, bos: number): number {
  const T = model.config.context;
  const V = model.config.vocabSize;
  const seq = [bos, ...ids];
  const stride = Math.max(1, Math.floor(T / 2));
  let nats = 0;
  // Score positions [done, end) from a window [start, end) of at most T tokens; seq[0] is given.
  for (let done = 1; done < seq.length; ) {
    const end = Math.min(seq.length, done + stride);
    const start = Math.max(0, end - T);
    model.forward(seq.slice(start, end), 1, end - start);
    const logits = model.logits;
    for (let pos = done; pos < end; pos++) {
      const row = (pos - start - 1) * V;
      let max = -Infinity;
      for (let v = 0; v < V; v++) max = Math.max(max, logits[row + v]);
      let s = 0;
      for (let v = 0; v < V; v++) s += Math.exp(logits[row + v] - max);
      nats += max + Math.log(s) - logits[row + seq[pos]];
    }
    done = end;
  }
  return nats / Math.LN2 / bytes;
}
