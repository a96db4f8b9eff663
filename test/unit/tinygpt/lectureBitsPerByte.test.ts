import assert from 'node:assert/strict';
import { trainBpe } from '../../../src/tinygpt/bpe';
import { splitDocument } from '../../../src/tinygpt/corpus';
import { lectureBitsPerByte } from '../../../src/tinygpt/lectureBitsPerByte';
import { paramCount } from '../../../src/tinygpt/model';
import { ngramBits, trainNgram } from '../../../src/tinygpt/trainingInspect';

const para = (i: number, zh: boolean): string => (zh ? `语言模型预测下一个字，第${i}段。` : `The model predicts the next token, paragraph ${i}.`);
const doc = (zh: boolean): string => Array.from({ length: 12 }, (_, i) => para(i, zh)).join('\n\n');
const docs = [
  { id: 'media/lecture/en/a.md', text: doc(false) },
  { id: 'media/lecture/zh-cn/a.md', text: doc(true) },
  { id: 'media/glossary/terms.yaml', text: 'A glossary line that is not lecture text.' },
];

describe('tiny GPT vs trigram on the held-out lecture text', () => {
  const tokenizer = trainBpe(docs.map((d) => splitDocument(d.text)[0]), 300);
  const config = { vocabSize: tokenizer.vocabSize, context: 16, layers: 1, heads: 2, dim: 8 };
  const ck = { config, tokenizer: tokenizer.toJSON(), params: new Float32Array(paramCount(config)) }; // zero weights: uniform

  it('scores both models on the same held-out bytes of each language, the n-gram trained on the training parts only', () => {
    const r = lectureBitsPerByte(ck, docs);
    const ngram = trainNgram(docs.map((d) => splitDocument(d.text)[0]));
    for (const [lang, zh] of [['en', false], ['zh-cn', true]] as const) {
      const held = splitDocument(doc(zh))[1];
      const bytes = Buffer.byteLength(held);
      assert.equal(r[lang].bytes, bytes);
      assert.equal(r[lang].documents, 1);
      // A uniform transformer pays log2 V per token it predicts (every token of the text, not the leading <|endoftext|>).
      assert.ok(Math.abs(r[lang].transformer - (Math.log2(config.vocabSize) * tokenizer.encode(held).length) / bytes) < 1e-4);
      assert.ok(Math.abs(r[lang].ngram - ngramBits(ngram, held).bits / bytes) < 1e-9);
      // Held-out paragraphs repeat the training ones' pattern, so the trigram beats guessing uniformly.
      assert.ok(r[lang].ngram < r[lang].transformer);
    }
  });
});
