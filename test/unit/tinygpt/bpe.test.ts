import assert from 'node:assert/strict';
import { BpeTokenizer, BYTE_TO_UNICODE, END_OF_TEXT, trainBpe } from '../../../src/tinygpt/bpe';
import { join } from 'node:path';
import { loadCorpus, splitCorpus, splitDocument } from '../../../src/tinygpt/corpus';
import { decodeCorpus, encodeCorpus } from '../../../src/tinygpt/corpusFile';

const ROOT = join(__dirname, '..', '..', '..');

describe('tiny GPT tokenizer: byte-level BPE', () => {
  const text = [
    'The model predicts the next token. The model learns from the lecture text.',
    '语言模型预测下一个词元。语言模型从讲义中学习。',
    'Emoji 🙂 and tabs\tand  double  spaces.',
  ];
  const tok = trainBpe(Array(20).fill(text).flat(), 300);

  it('learns the requested number of ids: 256 bytes + merges + <|endoftext|>', () => {
    assert.equal(tok.vocabSize, 300);
    assert.equal(tok.merges.length, 43);
    assert.equal(tok.endOfText, 299);
    assert.equal(tok.tokenStrings()[299], END_OF_TEXT);
  });

  it('round-trips English, Chinese, emoji and odd whitespace exactly', () => {
    for (const s of [...text, 'unseen words: zebra 斑马 ✓', '', '\n\n  x  \n']) assert.equal(tok.decode(tok.encode(s)), s);
  });

  it('compresses text it was trained on (fewer tokens than bytes) in both languages', () => {
    for (const s of text.slice(0, 2)) assert.ok(tok.encode(s).length < Buffer.byteLength(s) / 2, s);
  });

  it('every merge joins earlier tokens and no token is spelled twice', () => {
    const strings = tok.tokenStrings();
    assert.equal(new Set(strings).size, strings.length);
    for (const [i, [a, b]] of tok.merges.entries()) assert.ok(a < 256 + i && b < 256 + i);
    assert.equal(strings[256 + 0], tok.mergeStrings()[0].replace(' ', ''));
  });

  it('uses GPT-2 byte → character table (printable, one character per byte, "Ġ" for a space)', () => {
    assert.equal(new Set(BYTE_TO_UNICODE).size, 256);
    assert.equal(BYTE_TO_UNICODE[32], 'Ġ');
    assert.equal(BYTE_TO_UNICODE[65], 'A');
    assert.equal(BYTE_TO_UNICODE[10], 'Ċ');
  });

  it('is deterministic and survives JSON', () => {
    const again = trainBpe(Array(20).fill(text).flat(), 300);
    assert.deepEqual(again.toJSON(), tok.toJSON());
    const loaded = new BpeTokenizer(JSON.parse(JSON.stringify(tok)));
    assert.deepEqual(loaded.encode(text.join(' ')), tok.encode(text.join(' ')));
  });

  it('refuses a vocabulary smaller than the byte alphabet', () => {
    assert.throws(() => trainBpe(text, 100), /257/);
  });
});

describe('tiny GPT corpus', () => {
  it('holds the lecture in both languages, the glossary and the questions, with a fixed held-out tail per document', () => {
    const docs = loadCorpus(ROOT);
    const ids = docs.map((d) => d.id);
    assert.ok(ids.some((id) => id.startsWith('media/lecture/en/')));
    assert.ok(ids.some((id) => id.startsWith('media/lecture/zh-cn/')));
    assert.ok(ids.includes('media/glossary/terms.yaml'));
    assert.ok(ids.some((id) => id.startsWith('media/questions/')));
    assert.ok(docs.every((d) => !d.text.startsWith('---')), 'front matter is stripped');
    const split = splitCorpus(docs);
    const train = split.train.join('\n');
    const val = split.val.join('\n');
    assert.ok(val.length > 0.05 * train.length && val.length < 0.2 * train.length);
    assert.ok(/[\u4e00-\u9fff]/.test(val) && /[A-Za-z]/.test(val), 'validation text has both languages');
  });

  it('splits a document at the paragraph break nearest 90 %', () => {
    const doc = Array.from({ length: 10 }, (_, i) => `paragraph ${i} ` + 'x'.repeat(50)).join('\n');
    const [a, b] = splitDocument(doc);
    assert.ok(b.startsWith('paragraph 9'));
    assert.equal(a + '\n' + b, doc);
  });
});

describe('tiny GPT corpus file', () => {
  it('round-trips the train and validation token streams and refuses a truncated file', () => {
    const data = { train: Uint16Array.of(1, 2, 1023, 0), val: Uint16Array.of(7, 65535) };
    const bytes = encodeCorpus(data);
    assert.deepEqual(decodeCorpus(bytes), data);
    assert.throws(() => decodeCorpus(bytes.subarray(0, bytes.length - 2)), /truncated/);
    assert.throws(() => decodeCorpus(new Uint8Array(16)), /Not a tiny GPT corpus file/);
  });
});
