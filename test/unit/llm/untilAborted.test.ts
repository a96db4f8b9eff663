import assert from 'node:assert/strict';
import { untilAborted } from '../../../src/llm/untilAborted';

describe('llm: untilAborted', () => {
  it('settles like the promise when nothing aborts', async () => {
    assert.equal(await untilAborted(Promise.resolve(7), new AbortController().signal), 7);
    await assert.rejects(untilAborted(Promise.reject(new Error('boom')), new AbortController().signal), /boom/);
  });

  it('rejects with an AbortError as soon as the signal aborts, without waiting for a promise that never settles', async () => {
    const controller = new AbortController();
    const never = new Promise<number>(() => undefined);
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(untilAborted(never, controller.signal), (error: Error) => error.name === 'AbortError');
    assert.ok(Date.now() - started < 1000);
  });

  it('an already-aborted signal rejects at once, and a later rejection of the promise is not left unhandled', async () => {
    const controller = new AbortController();
    controller.abort();
    let rejectLater!: (e: Error) => void;
    const later = new Promise<number>((_, reject) => (rejectLater = reject));
    let unhandled = false;
    const onUnhandled = (): void => {
      unhandled = true;
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      await assert.rejects(untilAborted(later, controller.signal), (error: Error) => error.name === 'AbortError');
      rejectLater(new Error('late'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(unhandled, false);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
