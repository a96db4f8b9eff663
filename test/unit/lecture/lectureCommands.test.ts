import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LECTURE_COMMANDS, lectureCommand } from '../../../src/lecture/lectureCommands';

describe('lecture commands', () => {
  it('lecture commands: never secrets, files, deletion or downloads, whatever the argument', () => {
    const forbidden = [
      'llmLab.setApiKey', 'llmLab.clearApiKey', 'llmLab.runPromptFile', 'llmLab.resetProgress', 'llmLab.useGgufFile',
      'llmLab.downloadLocalModel', 'llmLab.removeLocalModel', 'llmLab.exportModel', 'llmLab.summarizeSelection',
      'llmLab.translateSelection', 'llmLab.explainSelectionStepByStep', 'llmLab.train',
    ];
    for (const id of forbidden) {
      for (const arg of [undefined, 'x', '/etc/passwd', { path: '/etc/passwd' }]) {
        assert.equal(lectureCommand(id, arg), undefined, `${id}(${JSON.stringify(arg)}) was allowed`);
      }
    }
  });

  it('lecture commands: unknown and non-llmLab commands are refused', () => {
    assert.equal(lectureCommand('workbench.action.terminal.new', undefined), undefined);
    assert.equal(lectureCommand('llmLab.doesNotExist', undefined), undefined);
    assert.equal(lectureCommand('toString', undefined), undefined);
    assert.equal(lectureCommand('__proto__', undefined), undefined);
    assert.equal(lectureCommand(42, undefined), undefined);
  });

  it('lecture commands: every allowed command is one the manifest contributes', () => {
    const manifest = readFileSync(join(__dirname, '../../../package.json'), 'utf8');
    for (const id of LECTURE_COMMANDS) assert.ok(manifest.includes(`"command": "${id}"`), id);
  });

  it('lecture commands: ids are checked and rebuilt, never passed through', () => {
    assert.deepEqual(lectureCommand('llmLab.openLecture', 'rlhf-reward-model'), { id: 'llmLab.openLecture', args: ['rlhf-reward-model'] });
    assert.deepEqual(lectureCommand('llmLab.openLecture', undefined), { id: 'llmLab.openLecture', args: [] });
    assert.equal(lectureCommand('llmLab.openLecture', '../../etc/passwd'), undefined);
    assert.equal(lectureCommand('llmLab.openLecture', { id: 'x' }), undefined);
    assert.deepEqual(lectureCommand('llmLab.runDemo', { id: 'pal' }), { id: 'llmLab.runDemo', args: [{ id: 'pal' }] });
    assert.deepEqual(lectureCommand('llmLab.runDemo', 'pal'), { id: 'llmLab.runDemo', args: [{ id: 'pal' }] });
    // Provider, base URL or model overrides would let a page send a run elsewhere.
    assert.equal(lectureCommand('llmLab.runDemo', { id: 'pal', provider: 'openai-compatible' }), undefined);
    assert.equal(lectureCommand('llmLab.runDemo', undefined), undefined);
    assert.equal(lectureCommand('llmLab.lookUpTerm', 'https://evil.example/'), undefined);
  });

  it('lecture commands: commands without arguments refuse one (exportProgress would write to a given path)', () => {
    assert.deepEqual(lectureCommand('llmLab.exportProgress', undefined), { id: 'llmLab.exportProgress', args: [] });
    assert.equal(lectureCommand('llmLab.exportProgress', '/home/user/.bashrc'), undefined);
    assert.equal(lectureCommand('llmLab.cancel', 1), undefined);
  });

  it('lecture commands: tokenize takes bounded text and a known encoding only', () => {
    assert.deepEqual(lectureCommand('llmLab.tokenize', 'hello'), { id: 'llmLab.tokenize', args: ['hello'] });
    assert.deepEqual(lectureCommand('llmLab.tokenize', { text: 'hi', encoding: 'o200k_base' }), { id: 'llmLab.tokenize', args: [{ text: 'hi', encoding: 'o200k_base' }] });
    assert.equal(lectureCommand('llmLab.tokenize', { text: 'hi', encoding: 'p50k_edit' }), undefined);
    assert.equal(lectureCommand('llmLab.tokenize', 'a'.repeat(100_001)), undefined);
    assert.equal(lectureCommand('llmLab.tokenize', { text: 'hi', showUi: false }), undefined);
  });

  it('lecture commands: openSample takes a file name, not a path', () => {
    assert.deepEqual(lectureCommand('llmLab.openSample', 'notes-en.md'), { id: 'llmLab.openSample', args: ['notes-en.md'] });
    assert.equal(lectureCommand('llmLab.openSample', '../secret.md'), undefined);
  });
});
