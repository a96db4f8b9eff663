import assert from 'node:assert/strict';
import { runInSandbox } from '../../../src/demos/codeSandbox';
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

  it('buildProgram: the generated program really computes the bakers answer in the sandbox (Python and JavaScript)', async function () {
    this.timeout(20000);
    const py = 'def solution():\n    loaves_baked = 200\n    loaves_sold_morning = 93\n    loaves_sold_afternoon = 39\n    loaves_returned = 6\n    result = loaves_baked - loaves_sold_morning - loaves_sold_afternoon + loaves_returned\n    return result';
    const pyRun = await runInSandbox(buildProgram(py, 'python'), 'python');
    assert.equal(answerFromStdout(pyRun.stdout), '74', pyRun.stderr);
    const js = 'function solution() {\n  const loavesBaked = 2000000;\n  return loavesBaked - 930417 - 390281 + 6125;\n}';
    const jsRun = await runInSandbox(buildProgram(js, 'javascript'), 'javascript');
    assert.equal(answerFromStdout(jsRun.stdout), '685427', jsRun.stderr);
  });

  it('answerFromStdout: the last number printed, floats normalized', () => {
    assert.equal(answerFromStdout('debug 3\n74.0\n'), '74');
    assert.equal(answerFromStdout(''), undefined);
  });
});
