import assert from 'node:assert/strict';
import { majorityVote } from '../../../src/demos/voting';

describe('majority vote', () => {
  it('vote: the most frequent answer wins and the histogram is sorted by count', () => {
    const vote = majorityVote(['74', '74', '68', '74', '68'], ['74']);
    assert.equal(vote.winner, '74');
    assert.deepEqual(vote.histogram, [{ answer: '74', count: 3 }, { answer: '68', count: 2 }]);
    assert.equal(vote.correct, true);
    assert.equal(vote.total, 5);
  });

  it('vote: equal counts go to the answer that appeared first', () => {
    assert.equal(majorityVote(['8', '4', '4', '8']).winner, '8');
    assert.equal(majorityVote(['4', '8', '8', '4']).winner, '4');
  });

  it('vote: "1,234" and "1234" are the same answer; samples without an answer are counted apart', () => {
    const vote = majorityVote(['1,234', undefined, '1234', '99', undefined]);
    assert.equal(vote.winner, '1,234');
    assert.deepEqual(vote.histogram, [{ answer: '1,234', count: 2 }, { answer: '99', count: 1 }]);
    assert.equal(vote.noAnswer, 2);
  });

  it('vote: no answers at all gives no winner and is wrong when something was expected', () => {
    const vote = majorityVote([undefined, undefined], ['9']);
    assert.equal(vote.winner, undefined);
    assert.equal(vote.correct, false);
  });
});
