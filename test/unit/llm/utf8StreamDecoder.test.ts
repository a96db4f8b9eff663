import assert from 'node:assert/strict';
import { Utf8StreamDecoder } from '../../../src/llm/utf8StreamDecoder';

/** Every decode() call's output, from ours and from a streaming TextDecoder, for the same pieces (then a flush). */
function both(pieces: Uint8Array[]): { ours: string[]; reference: string[] } {
  const mine = new Utf8StreamDecoder();
  const theirs = new TextDecoder('utf-8');
  const ours = pieces.map((p) => mine.decode(p, { stream: true }));
  const reference = pieces.map((p) => theirs.decode(p, { stream: true }));
  ours.push(mine.decode());
  reference.push(theirs.decode());
  return { ours, reference };
}

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('llm: UTF-8 stream decoder (pure)', () => {
  it('utf8: characters split across chunks at every byte come out whole, in the chunk that completes them', () => {
    const text = 'a é 世 😀 z';
    const encoded = new TextEncoder().encode(text);
    for (let i = 1; i < encoded.length; i++) {
      const { ours, reference } = both([encoded.subarray(0, i), encoded.subarray(i)]);
      assert.deepEqual(ours, reference, `split at byte ${i}`);
      assert.equal(ours.join(''), text);
    }
    const single = both([...encoded].map((b) => bytes(b)));
    assert.deepEqual(single.ours, single.reference);
  });

  it('utf8: a BOM is dropped only as the first character of the stream, also when split; a later U+FEFF stays', () => {
    for (const pieces of [[bytes(0xef, 0xbb, 0xbf, 0x61)], [bytes(0xef), bytes(0xbb), bytes(0xbf, 0x61)], [bytes(0x61), bytes(0xef, 0xbb, 0xbf)], [bytes(), bytes(0xef, 0xbb, 0xbf), bytes(0xef, 0xbb, 0xbf)]]) {
      const { ours, reference } = both(pieces);
      assert.deepEqual(ours, reference);
    }
    assert.equal(both([bytes(0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf)]).ours.join(''), '\ufeff');
  });

  it('utf8: invalid bytes, overlongs, surrogates and cut-off characters give the same replacement characters as TextDecoder', () => {
    const cases = [
      [bytes(0x61, 0xff, 0x62)],
      [bytes(0xc0, 0x80), bytes(0x61)],
      [bytes(0xed, 0xa0, 0x80)],
      [bytes(0xf4, 0x90, 0x80, 0x80)],
      [bytes(0xe4, 0xb8), bytes(0x41)],
      [bytes(0xf0, 0x9f), bytes(0x98)],
      [bytes(0x80, 0x80), bytes(0xe4, 0xb8, 0x96)],
      [bytes(0xe4, 0xb8, 0x96, 0xf8)],
    ];
    for (const pieces of cases) {
      const { ours, reference } = both(pieces);
      assert.deepEqual(ours, reference, pieces.map((p) => [...p].map((b) => b.toString(16)).join(' ')).join(' | '));
    }
  });

  it('utf8: random byte strings cut at random places decode exactly as a streaming TextDecoder, call by call, and again after a flush', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const valid = [[0x41], [0x0a], [0xc3, 0xa9], [0xe4, 0xb8, 0x96], [0xf0, 0x9f, 0x98, 0x80], [0xef, 0xbb, 0xbf]];
    const invalid = [[0x80], [0xff], [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x9f], [0xe4, 0xb8], [0xc3], [0xf8]];
    for (let round = 0; round < 20000; round++) {
      const alphabet = random() < 0.5 ? valid : [...valid, ...invalid];
      const all: number[] = [];
      for (let n = Math.floor(random() * 12); n > 0; n--) all.push(...alphabet[Math.floor(random() * alphabet.length)]);
      const input = Uint8Array.from(all);
      const pieces: Uint8Array[] = [];
      let from = 0;
      for (let i = 1; i <= input.length; i++) {
        if (i === input.length || random() < 0.4) {
          pieces.push(input.subarray(from, i));
          from = i;
        }
      }
      const mine = new Utf8StreamDecoder();
      const theirs = new TextDecoder('utf-8');
      const ours = [...pieces.map((p) => mine.decode(p, { stream: true })), mine.decode(), mine.decode(input)];
      const reference = [...pieces.map((p) => theirs.decode(p, { stream: true })), theirs.decode(), theirs.decode(input)];
      assert.deepEqual(ours, reference, `bytes ${[...input].map((b) => b.toString(16)).join(' ')}`);
    }
  });
});
