import * as assert from 'node:assert/strict';
import { StopMatcher } from '../../../src/local/stopMatcher';

describe('local: stop strings', () => {
  it('holds back a possible stop string across pieces and drops it when it completes', () => {
    const m = new StopMatcher(['\n\nQ:', 'END']);
    assert.deepEqual(m.push('The answer is 11.'), { emit: 'The answer is 11.', stopped: false });
    assert.deepEqual(m.push('\n'), { emit: '', stopped: false });
    assert.deepEqual(m.push('\nQ'), { emit: '', stopped: false });
    assert.deepEqual(m.push(': next'), { emit: '', stopped: true });
  });

  it('releases held text when it cannot become a stop string, and flushes at the end', () => {
    const m = new StopMatcher(['END']);
    assert.deepEqual(m.push('THE EN'), { emit: 'THE ', stopped: false });
    assert.deepEqual(m.push('D'), { emit: '', stopped: true });
    const n = new StopMatcher(['END']);
    assert.deepEqual(n.push('EN'), { emit: '', stopped: false });
    assert.deepEqual(n.push('ds'), { emit: 'ENds', stopped: false });
    assert.deepEqual(n.push('xE'), { emit: 'x', stopped: false });
    assert.equal(n.flush(), 'E');
  });

  it('the earliest stop string wins; no stops passes everything through', () => {
    const m = new StopMatcher(['b', 'a']);
    assert.deepEqual(m.push('xxabyy'), { emit: 'xx', stopped: true });
    assert.deepEqual(new StopMatcher([]).push('abc'), { emit: 'abc', stopped: false });
  });
});
