import assert from 'node:assert/strict';
import { browserUrl, sanitize } from '../../../src/lecture/sanitizer';

describe('sanitizer: command links', () => {
  const bypasses = [
    ['a leading space', '<a href=" command:workbench.action.terminal.new">x</a>'],
    ['a tab entity inside the scheme', '<a href="comm&#9;and:workbench.action.terminal.new">x</a>'],
    ['a newline entity inside the scheme', '<a href="comm&#10;and:workbench.action.terminal.new">x</a>'],
    ['upper case', '<a href="COMMAND:workbench.action.terminal.new">x</a>'],
    ['an entity-encoded letter', '<a href="&#99;ommand:workbench.action.terminal.new">x</a>'],
    ['an encoded colon', '<a href="command&colon;workbench.action.terminal.new">x</a>'],
    ['leading encoded space and newline', '<a href="&#x20;&#x0A;command:workbench.action.terminal.new">x</a>'],
    ['a leading control character', '<a href="\u0001command:workbench.action.terminal.new">x</a>'],
    ['a tab inside an llmLab-looking id', '<a href="command:llmLab.open&#9;Lecture.x:workbench">x</a>'],
  ] as const;
  for (const [name, html] of bypasses) {
    it(`sanitizer: a command link to another extension is removed when written with ${name}`, () => {
      const out = sanitize(html);
      assert.ok(!/href/i.test(out), out);
      assert.ok(!/workbench/.test(out), out);
    });
  }

  it('sanitizer: LLM Lab command links survive, normalized to what the browser follows', () => {
    assert.equal(sanitize('<a href=" command:llmLab.openLecture">x</a>'), '<a href="command:llmLab.openLecture">x</a>');
    assert.equal(sanitize('<a href="comm&#9;and:llmLab.runDemo?%5B%22pal%22%5D">x</a>'), '<a href="command:llmLab.runDemo?%5B%22pal%22%5D">x</a>');
    assert.equal(sanitize('<a href="https://arxiv.org/abs/2203.02155">x</a>'), '<a href="https://arxiv.org/abs/2203.02155">x</a>');
  });

  it('sanitizer: browserUrl trims spaces and controls and drops tabs and newlines anywhere', () => {
    assert.equal(browserUrl(' \t comm\tan\nd:x \r\n'), 'command:x');
    assert.equal(browserUrl('https://a.b/c d'), 'https://a.b/c d');
  });
});
