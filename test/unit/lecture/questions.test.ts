import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAnswer, checkQuestionParity, loadQuestions, Question } from '../../../src/lecture/questions';
import { SECTION_IDS } from '../../../src/lecture/lectureTypes';

const q = (over: Partial<Question>): Question => ({ id: 'x-1', sectionId: 'x', type: 'single', prompt: 'p', options: ['a', 'b', 'c'], answer: 1, explanation: 'e', ...over });

describe('concept checks: scoring', () => {
  it('single choice: only the right index', () => {
    assert.equal(checkAnswer(q({}), 1), true);
    assert.equal(checkAnswer(q({}), 0), false);
    assert.equal(checkAnswer(q({}), '1'), false);
  });
  it('multiple choice: the same set in any order, no extras', () => {
    const m = q({ type: 'multiple', answer: [0, 2] });
    assert.equal(checkAnswer(m, [2, 0]), true);
    assert.equal(checkAnswer(m, [0]), false);
    assert.equal(checkAnswer(m, [0, 1, 2]), false);
  });
  it('numeric: relative tolerance, commas and spaces accepted', () => {
    const n = q({ type: 'numeric', answer: 3.15, tolerance: 0.1, options: undefined });
    assert.equal(checkAnswer(n, 3.4), true);
    assert.equal(checkAnswer(n, 3.5), false);
    assert.equal(checkAnswer(q({ type: 'numeric', answer: 12288, options: undefined }), '12,288'), true);
    assert.equal(checkAnswer(q({ type: 'numeric', answer: 12288, options: undefined }), 12289), false);
    assert.equal(checkAnswer(n, Number.NaN), false);
  });
  it('order: exactly the right sequence', () => {
    const o = q({ type: 'order', answer: [2, 0, 1] });
    assert.equal(checkAnswer(o, [2, 0, 1]), true);
    assert.equal(checkAnswer(o, [0, 1, 2]), false);
    assert.equal(checkAnswer(o, [2, 0]), false);
  });
});

describe('concept checks: data', () => {
  const media = join(__dirname, '..', '..', '..', 'media');

  it('every question file validates, both languages have the same ids, types and answers', () => {
    const problems: string[] = [];
    const en = loadQuestions(media, 'en', problems);
    const zh = loadQuestions(media, 'zh-cn', problems);
    checkQuestionParity(en, zh, problems);
    assert.deepEqual(problems, []);
    assert.ok(en.length >= 70, `only ${en.length} questions`);
    const sections = new Set(en.map((x) => x.sectionId));
    const without = SECTION_IDS.filter((id) => !sections.has(id));
    assert.deepEqual(without, [], 'sections without a check');
    const types = new Set(en.map((x) => x.type));
    for (const type of ['single', 'multiple', 'numeric', 'order']) assert.ok(types.has(type as never), `no ${type} question`);
  });

  it('rejects a question whose answer is not among its options, and ids that differ between languages', () => {
    const dir = mkdtempSync(join(tmpdir(), 'q-'));
    for (const lang of ['en', 'zh-cn']) mkdirSync(join(dir, 'questions', lang), { recursive: true });
    writeFileSync(join(dir, 'questions', 'en', 'gpt1.yaml'), '- id: gpt1-1\n  type: single\n  prompt: p\n  options: [a, b]\n  answer: 2\n  explanation: e\n- id: gpt1-2\n  type: order\n  prompt: p\n  options: [a, b]\n  answer: [0, 0]\n  explanation: e\n');
    writeFileSync(join(dir, 'questions', 'zh-cn', 'gpt1.yaml'), '- id: gpt1-9\n  type: single\n  prompt: p\n  options: [a, b]\n  answer: 1\n  explanation: e\n');
    const problems: string[] = [];
    const en = loadQuestions(dir, 'en', problems);
    const zh = loadQuestions(dir, 'zh-cn', problems);
    checkQuestionParity(en, zh, problems);
    assert.ok(problems.some((p) => p.includes('gpt1-1') && p.includes('not among the options')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('gpt1-2') && p.includes('permutation')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('gpt1-9') && p.includes('missing in en')), problems.join('\n'));
  });
});
