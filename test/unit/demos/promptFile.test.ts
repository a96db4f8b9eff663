import assert from 'node:assert/strict';
import { setLanguage } from '../../../src/core/l10n';
import { definitionFromPromptFile, hasErrors, parsePromptFile } from '../../../src/demos/promptFile';
import zh from '../../../l10n/src/demos.zh-cn.json';

describe('prompt files', () => {
  afterEach(() => setLanguage('en', {}));

  it('prompt file: reads front matter options and the body below it', () => {
    const parsed = parsePromptFile('---\nmodel: llama3.2\ntemperature: 0.2\nsamples: 5\nsystem: |\n  Be brief.\n---\nQ: 2 + 2?\nA:\n');
    assert.deepEqual(parsed.options, { model: 'llama3.2', temperature: 0.2, samples: 5, system: 'Be brief.\n' });
    assert.equal(parsed.body, 'Q: 2 + 2?\nA:\n');
    assert.equal(parsed.bodyLine, 7);
    assert.deepEqual(parsed.diagnostics, []);
  });

  it('prompt file: no front matter means the whole file is the prompt; CRLF and BOM are fine', () => {
    assert.deepEqual(parsePromptFile('Just a question?').options, {});
    assert.equal(parsePromptFile('Just a question?').body, 'Just a question?');
    const crlf = parsePromptFile('\uFEFF---\r\ntemperature: 1\r\n---\r\nHello\r\n');
    assert.equal(crlf.options.temperature, 1);
    assert.equal(crlf.body.trim(), 'Hello');
  });

  it('diagnostics: wrong types and out-of-range values point at the value on its line', () => {
    const parsed = parsePromptFile('---\nmodel: llama3\ntemperature: 3\nsamples: 2.5\nsystem: [a, b]\n---\nHi');
    const byLine = new Map(parsed.diagnostics.map((d) => [d.line, d]));
    assert.deepEqual([byLine.get(2)?.code, byLine.get(2)?.column, byLine.get(2)?.endColumn], ['outOfRange', 13, 14]);
    assert.deepEqual([byLine.get(3)?.code, byLine.get(3)?.column], ['wrongType', 9]);
    assert.deepEqual([byLine.get(4)?.code, byLine.get(4)?.column], ['wrongType', 8]);
    assert.equal(parsed.options.model, 'llama3');
    assert.equal(parsed.options.temperature, undefined);
    assert.ok(hasErrors(parsed));
  });

  it('diagnostics: a quoted number is not a number, samples must be 1–20', () => {
    const parsed = parsePromptFile('---\ntemperature: "0.5"\nsamples: 21\n---\nHi');
    assert.deepEqual(parsed.diagnostics.map((d) => [d.line, d.code]), [[1, 'wrongType'], [2, 'outOfRange']]);
  });

  it('diagnostics: an unknown key is a warning on the key itself', () => {
    const parsed = parsePromptFile('---\nmodel: x\ntemprature: 0.5\n---\nHi');
    assert.deepEqual(parsed.diagnostics.map((d) => [d.line, d.column, d.endColumn, d.severity, d.code]), [[2, 0, 10, 'warning', 'unknownKey']]);
    assert.match(parsed.diagnostics[0].message, /temprature/);
    assert.equal(hasErrors(parsed), false);
  });

  it('diagnostics: unterminated front matter is an error on the opening line', () => {
    const parsed = parsePromptFile('---\nmodel: x\nWhat is 2 + 2?');
    assert.deepEqual(parsed.diagnostics.map((d) => [d.line, d.code, d.severity]), [[0, 'unterminated', 'error']]);
  });

  it('diagnostics: YAML syntax errors are reported at their line in the file, never thrown', () => {
    const parsed = parsePromptFile('---\nmodel: x\ntemperature: : 1\n---\nHi');
    assert.equal(parsed.diagnostics.length, 1);
    assert.equal(parsed.diagnostics[0].code, 'yaml');
    assert.equal(parsed.diagnostics[0].line, 2);
    const list = parsePromptFile('---\n- a\n- b\n---\nHi');
    assert.deepEqual(list.diagnostics.map((d) => [d.line, d.code]), [[1, 'notMapping']]);
    const dup = parsePromptFile('---\nmodel: a\nmodel: b\n---\nHi');
    assert.equal(dup.diagnostics[0]?.code, 'yaml');
    assert.equal(dup.diagnostics[0]?.line, 2);
  });

  it('diagnostics: an empty prompt is a warning; messages are translated', () => {
    setLanguage('zh-cn', zh);
    const parsed = parsePromptFile('---\nmodel: x\n---\n\n');
    assert.deepEqual(parsed.diagnostics.map((d) => [d.line, d.code]), [[2, 'emptyBody']]);
    assert.match(parsed.diagnostics[0].message, /提示为空/);
  });

  it('prompt file as a demo: more than one sample turns on the vote', () => {
    const parsed = parsePromptFile('---\nsystem: Be exact.\nsamples: 5\n---\nHow many?');
    const def = definitionFromPromptFile(parsed, { title: 'q.prompt.md', lang: 'en', temperature: 0.7 });
    assert.deepEqual([def.options.samples, def.options.vote, def.extractor.id], [5, true, 'answer-is']);
    assert.deepEqual(def.runs[0].template.parts, { system: 'Be exact.', query: 'How many?' });
    const once = definitionFromPromptFile(parsed, { title: 'q', lang: 'en', temperature: 0.7, samples: 1 });
    assert.equal(once.options.vote, false);
  });
});
