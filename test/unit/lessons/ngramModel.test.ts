import assert from 'node:assert/strict';
import { decodeBase64, encodeBase64, VarintReader, VarintWriter } from '../../../src/lessons/compactCodec';
import { loadNgramModels, NgramModel, ngramTokens, trainLanguageModel } from '../../../src/lessons/ngramModel';
import { markdownToParagraphs, trainNgram } from '../../../scripts/trainNgram';

const EN = [
  'the cat sat on the mat.',
  'the cat ate the fish.',
  'the dog sat on the log.',
  'a dog ate the bone.',
  'the cat sat on the chair.',
];
const ZH = ['我喜欢吃土豆炖牛肉。', '我喜欢学习语言模型。', '语言模型预测下一个词。'];

const enModel = () => new NgramModel(trainLanguageModel(EN.map(ngramTokens)));
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0);

describe('n-gram model (interpolated Kneser–Ney trigram)', () => {
  it('tokens: English words with their leading space, Chinese one character each, concatenation is lossless', () => {
    assert.deepEqual(ngramTokens('The cat sat.'), ['The', ' cat', ' sat', '.']);
    assert.deepEqual(ngramTokens('我喜欢 GPT-3'), ['我', '喜', '欢', ' GPT', '-', '3']);
    assert.deepEqual(ngramTokens('costs 3.15e23 FLOPs, isn’t it'), ['costs', ' 3.15e23', ' FLOPs', ',', ' isn’t', ' it']);
    assert.equal(ngramTokens('a  b\n c').join(''), 'a b c');
  });

  it('every next-token distribution sums to 1 within 1e-9 (seen, backed-off and unknown contexts)', () => {
    const model = enModel();
    for (const prefix of ['', 'the cat', 'the', 'on the', 'zebra', 'zebra the', 'the zebra', 'mat.']) {
      const [u, v] = model.contextOf(model.encode(prefix));
      const { probs } = model.distribution(u, v);
      assert.ok(Math.abs(sum(probs) - 1) < 1e-9, `${JSON.stringify(prefix)}: ${sum(probs)}`);
      for (const p of probs) assert.ok(p >= 0);
    }
  });

  it('sums to 1 on the Chinese character model too', () => {
    const model = new NgramModel(trainLanguageModel(ZH.map(ngramTokens)));
    const [u, v] = model.contextOf(model.encode('我喜欢'));
    assert.ok(Math.abs(sum(model.distribution(u, v).probs) - 1) < 1e-9);
    assert.equal(model.nextTokens('语言', 1).tokens[0].token, '模');
  });

  it('a seen trigram context predicts what followed it in training', () => {
    const result = enModel().nextTokens('the cat', 3);
    assert.equal(result.order, 3);
    assert.deepEqual(result.context, ['the', ' cat']);
    assert.equal(result.tokens[0].token, ' sat', '"the cat" is followed by "sat" 2 times out of 3');
    assert.ok(result.tokens[0].p > result.tokens[1].p);
    assert.equal(result.tokens[1].token, ' ate');
  });

  it('KN probabilities by hand for a seen trigram', () => {
    const model = enModel();
    // c(the cat sat) = 2, c(the cat ·) = 3, N1+(the cat ·) = 2 ({sat, ate})
    const D3 = model.discounts.trigram;
    const [u, v] = model.contextOf(model.encode('the cat'));
    const lower = model.distribution(-1, v).probs; // the bigram level P(· | cat)
    const sat = model.vocab.indexOf(' sat');
    const expected = (2 - D3) / 3 + ((D3 * 2) / 3) * lower[sat];
    assert.ok(Math.abs(model.distribution(u, v).probs[sat] - expected) < 1e-12);
  });

  it('an unseen context backs off: unknown last word → unigram continuation probabilities', () => {
    const model = enModel();
    const unknownLast = model.nextTokens('the zebra', 5);
    assert.equal(unknownLast.order, 1);
    const seenBigramOnly = model.nextTokens('zebra cat', 5);
    assert.equal(seenBigramOnly.order, 2, '"cat" alone is a seen context');
    const sat = model.vocab.indexOf(' sat');
    const bigram = model.distribution(-1, model.encode(' cat')[0]).probs[sat];
    const unigram = model.distribution(-1, -1).probs[sat];
    assert.equal(model.probability('zebra cat', ' sat'), bigram);
    assert.ok(bigram > unigram, 'the last word still shifts the odds towards what followed it');
    assert.ok(model.probability('the zebra', ' mat') > 0, 'every known token keeps some probability');
  });

  it('temperature → 0 is greedy: the same text whatever the seed, each step the argmax', () => {
    const model = enModel();
    const a = model.sample('the', { temperature: 0, seed: 1, maxTokens: 8 });
    const b = model.sample('the', { temperature: 0, seed: 999, maxTokens: 8 });
    assert.equal(a.text, b.text);
    for (const step of a.tokens) assert.equal(step.token, step.top[0].token);
    assert.ok(a.text.startsWith(' cat sat on the'), a.text);
  });

  it('a fixed seed reproduces the sample; different seeds give different samples', () => {
    const model = enModel();
    const options = { temperature: 1.5, maxTokens: 12 };
    const first = model.sample('the', { ...options, seed: 7 });
    assert.deepEqual(model.sample('the', { ...options, seed: 7 }), first);
    const texts = new Set([1, 2, 3, 4, 5, 6, 8, 9].map((seed) => model.sample('the', { ...options, seed }).text));
    assert.ok(texts.size > 1, 'seeds change the output');
  });

  it('stops at the end-of-paragraph token or at maxTokens', () => {
    const model = enModel();
    const ended = model.sample('the dog sat on the log', { temperature: 0, maxTokens: 20 });
    assert.equal(ended.finish, 'end');
    assert.equal(ended.text, '.');
    const cut = model.sample('the', { temperature: 1, seed: 3, maxTokens: 2 });
    assert.ok(cut.tokens.length <= 2);
  });

  it('a prefix ending in a space does not get a double space', () => {
    const model = enModel();
    assert.equal(model.sample('the cat ', { temperature: 0, maxTokens: 1 }).text, 'sat');
    assert.equal(model.sample('', { temperature: 0, maxTokens: 1 }).text, 'the');
  });

  it('top-k / top-p / temperature reshape nextTokens the way the decoder would draw', () => {
    const model = enModel();
    const top1 = model.nextTokens('the cat', 5, { topK: 1 });
    assert.deepEqual(top1.tokens.map((t) => [t.token, t.p]), [[' sat', 1]]);
    const hot = model.nextTokens('the cat', 2, { temperature: 3 });
    const plain = model.nextTokens('the cat', 2);
    assert.ok(hot.tokens[0].p < plain.tokens[0].p, 'higher temperature flattens');
  });

  it('compact model round-trips through JSON with identical probabilities', () => {
    const compact = trainNgram({ en: EN, 'zh-cn': ZH });
    const models = loadNgramModels(JSON.parse(JSON.stringify(compact)));
    const direct = enModel();
    const [u, v] = direct.contextOf(direct.encode('on the'));
    assert.deepEqual(Array.from(models.en!.distribution(u, v).probs), Array.from(direct.distribution(u, v).probs));
    assert.ok(models['zh-cn']);
    assert.throws(() => loadNgramModels({ format: 'other' } as never), /not an LLM Lab n-gram model/);
  });
});

describe('n-gram training corpus (scripts/trainNgram)', () => {
  it('strips front matter, code, math, tables, images and widget lines; keeps prose and link text', () => {
    const md = [
      '---', 'id: x', 'title: "T"', '---', '', '**Key idea.** A model predicts the [next token](#next).', '',
      '## A heading', '', '$$', 'C \\approx 6ND', '$$', '', '| a | b |', '|---|---|', '| 1 | 2 |', '',
      '```python', 'print(1)', '```', '', '![A figure](images/x.svg)', '::widget[next-token]', '',
      '- first item', '- second *item* with $x^2$ math', '', '> **Correction:** it was 1.5B.',
    ].join('\n');
    assert.deepEqual(markdownToParagraphs(md), [
      'Key idea. A model predicts the next token.',
      'A heading',
      'first item',
      'second item with math',
      'Correction: it was 1.5B.',
    ]);
  });

  it('trains one model per language and skips a language with no text', () => {
    const compact = trainNgram({ en: EN });
    assert.deepEqual(Object.keys(compact.langs), ['en']);
    assert.equal(compact.langs.en!.sequences, 5);
    assert.equal(compact.langs.en!.trainingTokens, EN.map(ngramTokens).flat().length);
  });
});

describe('varint/base64 codec', () => {
  it('round-trips small and large numbers', () => {
    const values = [0, 1, 127, 128, 300, 16383, 16384, 2 ** 31, 2 ** 40 + 5];
    const writer = new VarintWriter();
    for (const v of values) writer.write(v);
    const reader = new VarintReader(writer.toBase64());
    assert.deepEqual(values.map(() => reader.read()), values);
    assert.ok(reader.done);
  });

  it('base64 matches the standard alphabet (checked against Buffer)', () => {
    for (const len of [0, 1, 2, 3, 4, 5, 255]) {
      const bytes = Uint8Array.from({ length: len }, (_, i) => (i * 37 + len) & 0xff);
      const b64 = encodeBase64(bytes);
      assert.equal(b64, Buffer.from(bytes).toString('base64'));
      assert.deepEqual(Array.from(decodeBase64(b64)), Array.from(bytes));
    }
  });
});
