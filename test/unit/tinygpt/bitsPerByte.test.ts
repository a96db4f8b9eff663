import assert from 'node:assert/strict';
import { transformerBitsPerByte } from '../../../src/tinygpt/bitsPerByte';
import { Gpt, initParams } from '../../../src/tinygpt/model';
import { Rng } from '../../../src/tinygpt/rng';

describe('tiny GPT bits per byte', () => {
  const config = { vocabSize: 50, context: 8, layers: 1, heads: 2, dim: 8 };

  it('a model that guesses uniformly costs log2(V) bits per token', () => {
    const model = new Gpt(config); // all-zero weights: every logit is 0
    const ids = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
    const bytes = 20;
    const bpb = transformerBitsPerByte(model, ids, bytes, 49);
    assert.ok(Math.abs(bpb - (Math.log2(50) * ids.length) / bytes) < 1e-5, String(bpb));
  });

  it('matches one direct forward pass when the text fits the context, and scores every token once beyond it', () => {
    const model = new Gpt(config);
    initParams(config, model.params, new Rng(4));
    for (let i = 0; i < model.params.length; i++) model.params[i] *= 20;
    const ids = [3, 9, 27, 31, 5, 5, 12];
    const seq = [49, ...ids];
    model.forward(seq, 1, seq.length);
    let nats = 0;
    for (let pos = 1; pos < seq.length; pos++) {
      const row = Array.from(model.logits.subarray((pos - 1) * 50, pos * 50));
      const max = Math.max(...row);
      nats += max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0)) - row[seq[pos]];
    }
    assert.ok(Math.abs(transformerBitsPerByte(model, ids, 10, 49) - nats / Math.LN2 / 10) < 1e-4);
    // Longer than the context: finite, and more tokens cost more bits in total.
    const long = Array.from({ length: 40 }, (_, i) => (i * 7) % 49);
    const a = transformerBitsPerByte(model, long.slice(0, 20), 1, 49);
    const b = transformerBitsPerByte(model, long, 1, 49);
    assert.ok(Number.isFinite(b) && b > a);
  });
});
