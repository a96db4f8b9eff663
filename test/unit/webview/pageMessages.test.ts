import assert from 'node:assert/strict';
import { parseFromLectureWebview } from '../../../src/lecture/lectureMessages';
import { WIDGET_IDS as LECTURE_WIDGET_IDS } from '../../../src/lecture/lectureTypes';
import { parseFromTokenizerPage } from '../../../src/lessons/tokenizerMessages';
import { WIDGET_IDS } from '../../../src/lessons/widgetProtocol';

describe('page messages: what the lecture and tokenizer pages may post', () => {
  it('a widget request reaches the extension as a request envelope (payload checked later by the widget handler)', () => {
    const payload = { type: 'tokenize', text: 'hi', encoding: 'cl100k_base' };
    assert.deepEqual(parseFromLectureWebview({ type: 'request', requestId: 3, payload, extra: 1 }), { type: 'request', requestId: 3, payload });
    assert.deepEqual(parseFromTokenizerPage({ type: 'request', requestId: 4, payload }), { type: 'request', requestId: 4, payload });
  });

  it('refuses envelopes without a usable id, the old envelope type, and unknown types', () => {
    for (const raw of [
      { type: 'request', requestId: '3', payload: {} },
      { type: 'request', requestId: Number.NaN, payload: {} },
      { type: 'widgetRequest', requestId: 3, payload: {} },
      { type: 'response', requestId: 3, ok: true },
      null,
      'ready',
    ]) {
      assert.equal(parseFromLectureWebview(raw), undefined, JSON.stringify(raw));
      assert.equal(parseFromTokenizerPage(raw), undefined, JSON.stringify(raw));
    }
    assert.deepEqual(parseFromTokenizerPage({ type: 'ready', junk: true }), { type: 'ready' });
    assert.deepEqual(parseFromTokenizerPage({ type: 'widgetUsed', id: 'attention' }), { type: 'widgetUsed' });
  });

  it('one list of widget ids: the lecture content checks read the lessons capability’s list', () => {
    assert.equal(LECTURE_WIDGET_IDS, WIDGET_IDS);
    assert.ok(WIDGET_IDS.includes('tokenizer') && WIDGET_IDS.includes('temperature'));
  });
});
