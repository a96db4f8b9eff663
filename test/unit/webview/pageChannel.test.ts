import assert from 'node:assert/strict';
import { PageChannel } from '../../../src/webview/pageChannel';

type Msg = { type: string; n?: number };

/** A channel whose init says which load it is, and a log of what reached the page. */
function setup(init?: () => Msg | Promise<Msg>) {
  const sent: Msg[] = [];
  const errors: unknown[] = [];
  const channel = new PageChannel<Msg>((m) => sent.push(m), init, (e) => errors.push(e));
  return { channel, sent, errors };
}

describe('webview page channel: ready handshake, queue, init', () => {
  it('queues posts until the page is ready, then sends its init first and the queue after, in order', async () => {
    let loads = 0;
    const { channel, sent } = setup(() => ({ type: 'init', n: ++loads }));
    channel.post({ type: 'show', n: 1 });
    channel.post({ type: 'show', n: 2 });
    assert.deepEqual(sent, []);
    assert.equal(channel.isReady, false);
    assert.equal(await channel.pageReady(), true);
    assert.deepEqual(sent, [{ type: 'init', n: 1 }, { type: 'show', n: 1 }, { type: 'show', n: 2 }]);
    channel.post({ type: 'show', n: 3 });
    assert.deepEqual(sent.at(-1), { type: 'show', n: 3 });
  });

  it('postState reaches only a listening page: a page that loads later has it in its init', async () => {
    const { channel, sent } = setup(() => ({ type: 'init' }));
    channel.postState({ type: 'update', n: 1 });
    await channel.pageReady();
    channel.postState({ type: 'update', n: 2 });
    channel.pageGone();
    channel.postState({ type: 'update', n: 3 });
    await channel.pageReady();
    assert.deepEqual(sent.map((m) => `${m.type}${m.n ?? ''}`), ['init', 'update2', 'init']);
  });

  it('a page that says ready again (reloaded by the webview) gets a fresh init, and what was posted while it was gone', async () => {
    let loads = 0;
    const { channel, sent } = setup(() => ({ type: 'init', n: ++loads }));
    await channel.pageReady();
    channel.pageGone();
    channel.post({ type: 'show' });
    await channel.pageReady();
    assert.deepEqual(sent, [{ type: 'init', n: 1 }, { type: 'init', n: 2 }, { type: 'show' }]);
    // A reload nobody announced (ready while ready) also starts over.
    await channel.pageReady();
    assert.deepEqual(sent.at(-1), { type: 'init', n: 3 });
  });

  it('an init still being computed when the page is replaced is never sent; the new page gets its own', async () => {
    const gates: Array<(m: Msg) => void> = [];
    const { channel, sent } = setup(() => new Promise<Msg>((resolve) => gates.push(resolve)));
    const first = channel.pageReady();
    channel.post({ type: 'queued' });
    const second = channel.pageReady();
    gates[0]({ type: 'init', n: 1 });
    assert.equal(await first, false);
    assert.deepEqual(sent, []);
    gates[1]({ type: 'init', n: 2 });
    assert.equal(await second, true);
    assert.deepEqual(sent, [{ type: 'init', n: 2 }, { type: 'queued' }]);
  });

  it('reinit sends a listening page its init again, and nothing to a page that is not listening', async () => {
    let loads = 0;
    const { channel, sent } = setup(() => ({ type: 'init', n: ++loads }));
    await channel.reinit();
    assert.deepEqual(sent, []);
    await channel.pageReady();
    await channel.reinit();
    assert.deepEqual(sent, [{ type: 'init', n: 1 }, { type: 'init', n: 2 }]);
    channel.pageGone();
    await channel.reinit();
    assert.equal(sent.length, 2);
  });

  it('a failing init is reported and the page still gets what was queued', async () => {
    const { channel, sent, errors } = setup(() => {
      throw new Error('no content');
    });
    channel.post({ type: 'show' });
    assert.equal(await channel.pageReady(), true);
    assert.deepEqual(sent, [{ type: 'show' }]);
    assert.match(String(errors[0]), /no content/);
  });

  it('without an init the queue is delivered as soon as the page is ready; whenReady waits for it', async () => {
    const { channel, sent } = setup();
    let woke = false;
    const waiting = channel.whenReady().then(() => (woke = true));
    channel.post({ type: 'run' });
    await Promise.resolve();
    assert.equal(woke, false);
    await channel.pageReady();
    await waiting;
    assert.equal(woke, true);
    assert.deepEqual(sent, [{ type: 'run' }]);
  });
});
