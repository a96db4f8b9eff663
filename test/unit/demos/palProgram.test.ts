import assert from 'node:assert/strict';
import { answerFromStdout, buildProgram, extractCode } from '../../../src/demos/palProgram';

describe('PAL programs', () => {
  it('extractCode: prefers the fenced block in the language over other blocks', () => {
    const reply = 'Output:\n```text\n74\n```\nCode:\n```python\ndef solution():\n    return 74\n```\nDone.';
    assert.equal(extractCode(reply, 'python'), 'def solution():\n    return 74');
    assert.equal(extractCode('```js\nfunction solution() { return 1; }\n```', 'javascript'), 'function solution() { return 1; }');
  });

  it('extractCode: an unfenced reply is read from "def solution" on; a cut-off fence still yields its code', () => {
    assert.equal(extractCode('Sure!\ndef solution():\n    return 74', 'python'), 'def solution():\n    return 74');
    assert.equal(extractCode('```python\ndef solution():\n    return 7', 'python'), 'def solution():\n    return 7');
    assert.equal(extractCode('<think>```python\nbad()\n```</think>\n```python\ngood()\n```', 'python'), 'good()');
  });

  it('buildProgram: Python prints solution() only when it is defined; JavaScript prints objects as JSON', () => {
    assert.match(buildProgram('def solution():\n    return 74', 'python'), /if callable\(globals\(\)\.get\('solution'\)\):\n {4}print\(solution\(\)\)\n$/);
    assert.match(buildProgram('function solution() { return 1; }', 'javascript'), /JSON\.stringify\(__result\)/);
  });

  it('answerFromStdout: the last number printed, floats normalized', () => {
    assert.equal(answerFromStdout('debug 3\n74.0\n'), '74');
    assert.equal(answerFromStdout(''), undefined);
  });
});
