import assert from 'node:assert/strict';
import { trainBpe } from '../../../src/tinygpt/bpe';
import { initParams, paramCount } from '../../../src/tinygpt/model';
import { Rng } from '../../../src/tinygpt/rng';
import { tokenizeDocuments } from '../../../src/tinygpt/corpus';
import { compareBitsPerByte, Inspector, ngramBits, pickDocuments, splitDocuments, tokenText, trainNgram, trainTexts } from '../../../src/tinygpt/trainingInspect';
import { InspectClient } from '../../../src/tinygpt/trainingInspectClient';

const TEXTS = [
  'The language model reads tokens and predicts the next token.\n\nIt learns from the lecture text.',
  'Attention lets every token look at the tokens before it. 注意力让每个词元看见它之前的词元。',
  'Reinforcement learning from human feedback makes the model helpful.',
];

function fixture() {
  const tokenizer = trainBpe(TEXTS, 300);
  const config = { vocabSize: tokenizer.vocabSize, layers: 2, heads: 2, dim: 16, context: 16 };
  const params = new Float32Array(paramCount(config));
  initParams(config, params, new Rng(3));
  return { tokenizer, config, model: { config, tokenizer: tokenizer.toJSON(), params } };
}

describe('training panel: inspecting a model', () => {
  const { tokenizer, model } = fixture();
  const inspector = new Inspector(model);

  it('attention: one causal map per layer and head whose rows sum to 1', () => {
    const a = inspector.attention('The model learns.');
    assert.equal(a.tokens[0], '<|endoftext|>');
    assert.equal(a.tokens.slice(1).join(''), 'The model learns.');
    assert.equal(a.weights.length, 2);
    assert.equal(a.weights[0].length, 2);
    const n = a.tokens.length;
    for (const layer of a.weights) {
      for (const w of layer) {
        assert.equal(w.length, n * n);
        for (let row = 0; row < n; row++) {
          let sum = 0;
          for (let col = 0; col < n; col++) {
            if (col > row) assert.equal(w[row * n + col], 0, 'attends to the future');
            sum += w[row * n + col];
          }
          assert.ok(Math.abs(sum - 1) < 1e-3, `row ${row} sums to ${sum}`);
        }
      }
    }
    assert.equal(a.truncated, false);
  });

  it('attention of a text longer than the context is cut to the context, and says so', () => {
    const a = inspector.attention('token '.repeat(40));
    assert.equal(a.tokens.length, 16);
    assert.equal(a.truncated, true);
  });

  it('next token: k tokens, most likely first, probabilities of a distribution', () => {
    const r = inspector.nextToken('The language', 5);
    assert.equal(r.top.length, 5);
    for (let i = 1; i < r.top.length; i++) assert.ok(r.top[i - 1].p >= r.top[i].p);
    assert.ok(r.top.every((x) => x.p > 0 && x.p < 1));
    assert.deepEqual(r.context.slice(-2).join(''), ' language'.slice(-r.context.slice(-2).join('').length));
  });

  it('generation is reproducible with a seed, greedy ignores it, and it stops at maxTokens', () => {
    const a = inspector.generate('The', 6, 1, 42);
    const b = inspector.generate('The', 6, 1, 42);
    assert.deepEqual(a, b);
    assert.ok(a.tokens <= 6);
    assert.deepEqual(inspector.generate('The', 6, 0, 1), inspector.generate('The', 6, 0, 2));
  });

  it('a piece of a character shows as byte escapes, whole characters as text', () => {
    const zh = tokenizer.encode('注');
    assert.equal(zh.map((id) => tokenText(tokenizer, id)).join('').includes('注') || zh.length > 1, true);
    assert.equal(tokenText(tokenizer, 0xe6), '<0xE6>');
    assert.equal(tokenText(tokenizer, 'A'.charCodeAt(0)), 'A');
  });
});

describe('training panel: bits per byte', () => {
  it('documents split at <|endoftext|>; picking spreads over the list within the budget', () => {
    assert.deepEqual(splitDocuments([1, 2, 9, 3, 9, 9, 4], 9), [[1, 2], [3], [4]]);
    const docs = Array.from({ length: 20 }, (_, i) => Array.from({ length: 100 }, () => i));
    const picked = pickDocuments(docs, 800);
    assert.equal(picked.flat().length, 800);
    const sources = new Set(picked.map((d) => d[0]));
    assert.ok(Math.max(...sources) >= 10, `only the start of the list: ${[...sources].join()}`);
  });

  it('the n-gram pays log₂ 1/p per seen token and 8 bits per byte for a word it never saw', () => {
    const ngram = trainNgram(['the cat sat on the mat', 'the dog sat on the mat']);
    const seen = ngramBits(ngram, 'the cat sat');
    assert.equal(seen.unseen, 0);
    assert.ok(seen.bits > 0);
    const unseen = ngramBits(ngram, 'the zebra sat');
    assert.equal(unseen.unseen, 1);
    assert.ok(unseen.bits - seen.bits > 8 * ' zebra'.length - 8, `${unseen.bits} vs ${seen.bits}`);
  });

  it('scores both models on the same held-out bytes; an untrained transformer is near log₂ V per token', () => {
    const { tokenizer, model } = fixture();
    const encode = (t: string): number[] => tokenizer.encode(t);
    const data = { train: tokenizeDocuments(TEXTS, encode, tokenizer.endOfText), val: tokenizeDocuments(['The model learns the next token.'], encode, tokenizer.endOfText) };
    assert.deepEqual(trainTexts(data, tokenizer), TEXTS);
    const r = compareBitsPerByte(new Inspector(model), data, trainNgram(trainTexts(data, tokenizer)));
    assert.equal(r.bytes, 'The model learns the next token.'.length);
    assert.equal(r.documents, 1);
    const perToken = (r.transformer * r.bytes) / tokenizer.encode('The model learns the next token.').length;
    assert.ok(Math.abs(perToken - Math.log2(tokenizer.vocabSize)) < 0.5, `${perToken} bits per token`);
    assert.ok(r.ngram > 0 && Number.isFinite(r.ngram));
  });
});

describe('training panel: the inspection thread', function () {
  this.timeout(60000);
  it('answers in a worker thread with the weights it was given, and refuses before any', async () => {
    const { model } = fixture();
    const client = new InspectClient();
    try {
      await assert.rejects(client.ask({ type: 'attention', text: 'x' }), /no model loaded/);
      await client.load(model);
      model.params.fill(0); // the thread has its own copy
      const there = await client.ask({ type: 'generate', prompt: 'The', maxTokens: 5, temperature: 1, seed: 9 });
      const here = new Inspector(fixture().model).generate('The', 5, 1, 9);
      assert.deepEqual(there, here);
      await assert.rejects(client.ask({ type: 'bitsPerByte' }), /no corpus loaded/);
    } finally {
      client.dispose();
    }
    await assert.rejects(client.ask({ type: 'attention', text: 'x' }), /closed/);
  });
});
