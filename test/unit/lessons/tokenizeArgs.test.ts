import assert from 'node:assert/strict';
import { parseTokenizeArgs } from '../../../src/lessons/tokenizeArgs';

describe('llmLab.tokenize argument', () => {
  it('no argument: undefined (the command then uses the selection or an input box)', () => {
    assert.equal(parseTokenizeArgs(undefined), undefined);
    assert.equal(parseTokenizeArgs(null), undefined);
  });

  it('a string is the text, in cl100k_base, with the panel shown', () => {
    assert.deepEqual(parseTokenizeArgs('hello'), { text: 'hello', encoding: 'cl100k_base', showUi: true });
  });

  it('{ text, encoding } as SPEC; showUi: false only resolves the result', () => {
    assert.deepEqual(parseTokenizeArgs({ text: '你好', encoding: 'r50k_base' }), { text: '你好', encoding: 'r50k_base', showUi: true });
    assert.deepEqual(parseTokenizeArgs({ text: '', showUi: false }), { text: '', encoding: 'cl100k_base', showUi: false });
  });

  it('rejects a wrong shape or an unknown encoding with a message', () => {
    assert.throws(() => parseTokenizeArgs(42), /llmLab\.tokenize takes a text/);
    assert.throws(() => parseTokenizeArgs({ txt: 'x' }), TypeError);
    assert.throws(() => parseTokenizeArgs({ text: 'x', encoding: 'p50k_base' }), /Unknown encoding "p50k_base"/);
  });
});
