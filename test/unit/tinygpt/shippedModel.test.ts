import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_DEFAULT_MODELS, TINYGPT_MODEL } from '../../../src/lessons/builtinProvider';
import { decodeCheckpoint } from '../../../src/tinygpt/checkpoint';
import { loadCorpus } from '../../../src/tinygpt/corpus';
import { lectureBitsPerByte, type LanguageBits } from '../../../src/tinygpt/lectureBitsPerByte';

const root = join(__dirname, '..', '..', '..');

// The figures README and BUILTIN_DEFAULT_MODELS rest on, measured on the checkpoint that ships in the .vsix.
describe('the shipped tiny GPT (media/models/tinygpt.bin) vs the Part 1 trigram', function () {
  this.timeout(180_000); // two 18.6 kB texts through the transformer: ~20 s alone, longer on a loaded machine
  let bits: Record<'en' | 'zh-cn', LanguageBits>;
  before(() => {
    const ck = decodeCheckpoint(readFileSync(join(root, 'media', 'models', 'tinygpt.bin')));
    bits = lectureBitsPerByte(ck, loadCorpus(root));
  });

  it('beats the trigram on the held-out English lecture text (bits per byte)', () => {
    assert.ok(bits.en.transformer < bits.en.ngram, JSON.stringify(bits.en));
  });

  it('the built-in default of each language is the model with fewer bits per byte on its held-out lecture text', () => {
    for (const lang of ['en', 'zh-cn'] as const) {
      const transformerWins = bits[lang].transformer < bits[lang].ngram;
      assert.equal(BUILTIN_DEFAULT_MODELS[lang] === TINYGPT_MODEL, transformerWins, `${lang}: ${JSON.stringify(bits[lang])}`);
    }
  });
});
