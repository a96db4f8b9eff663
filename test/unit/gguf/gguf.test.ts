import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GgufError, readGguf, readGgufFile, validateGgufFile } from '../../../src/gguf/ggufReader';
import { float32ToFloat16Bits, GgufSpec, ggufChunks, kv, writeGguf, writeGgufFile } from '../../../src/gguf/ggufWriter';

function sample(): GgufSpec {
  return {
    metadata: [
      kv.string('general.architecture', 'llama'),
      kv.string('general.name', '名字 tiny'),
      kv.u32('llama.context_length', 2048),
      { key: 'u8', type: 'uint8', value: 255 },
      { key: 'i8', type: 'int8', value: -128 },
      { key: 'u16', type: 'uint16', value: 65535 },
      { key: 'i16', type: 'int16', value: -32768 },
      kv.i32('i32', -5),
      kv.u64('u64', 2n ** 60n),
      { key: 'i64', type: 'int64', value: -7 },
      kv.f32('f32', 0.5),
      { key: 'f64', type: 'float64', value: Math.PI },
      kv.bool('b', true),
      kv.strings('tokenizer.ggml.tokens', ['a', 'b', 'Ġc']),
      kv.i32s('tokenizer.ggml.token_type', [1, 1, 3]),
      kv.f32s('scores', [0, -1.5]),
      kv.string('tokenizer.chat_template', '{{ messages }}'),
    ],
    tensors: [
      { name: 'w', shape: [3, 2], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
      { name: 'h', shape: [5], data: new Float32Array([0.5, -2, 65504, 1e-8, 1 / 3]), type: 'f16' },
      { name: 'e', dims: [2, 1], data: new Float32Array([7, 8]) },
    ],
  };
}

describe('gguf: writer and reader', () => {
  it('round-trips every metadata value type', () => {
    const h = readGguf(writeGguf(sample()));
    assert.equal(h.version, 3);
    assert.equal(h.kvCount, 17);
    assert.equal(h.tensorCount, 3);
    assert.equal(h.metadata['general.name'], '名字 tiny');
    assert.equal(h.metadata.u8, 255);
    assert.equal(h.metadata.i8, -128);
    assert.equal(h.metadata.u16, 65535);
    assert.equal(h.metadata.i16, -32768);
    assert.equal(h.metadata.i32, -5);
    assert.equal(h.metadata.u64, 2n ** 60n);
    assert.equal(h.metadata.i64, -7);
    assert.equal(h.metadata.f32, 0.5);
    assert.equal(h.metadata.f64, Math.PI);
    assert.equal(h.metadata.b, true);
    assert.deepEqual(h.metadata['tokenizer.ggml.tokens'], ['a', 'b', 'Ġc']);
    assert.deepEqual(h.metadata['tokenizer.ggml.token_type'], [1, 1, 3]);
    assert.deepEqual(h.metadata.scores, [0, -1.5]);
    assert.equal(h.architecture, 'llama');
    assert.equal(h.contextLength, 2048);
    assert.equal(h.chatTemplate, '{{ messages }}');
  });

  it('stores shapes innermost first and aligns every tensor to 32 bytes', () => {
    const buffer = writeGguf(sample());
    const h = readGguf(buffer);
    assert.deepEqual(h.tensors.map((t) => [t.name, t.dims, t.type]), [['w', [2, 3], 0], ['h', [5], 1], ['e', [2, 1], 0]]);
    assert.equal(h.dataOffset % 32, 0);
    for (const t of h.tensors) assert.equal(t.offset % 32, 0);
    const w = h.tensors[0];
    const start = h.dataOffset + w.offset;
    assert.deepEqual([...new Float32Array(buffer.buffer.slice(buffer.byteOffset + start, buffer.byteOffset + start + 24))], [1, 2, 3, 4, 5, 6]);
    assert.equal(buffer.length, h.expectedSize === undefined ? -1 : alignUp32(h.expectedSize));
  });

  it('honours general.alignment', () => {
    const spec = sample();
    const h = readGguf(writeGguf({ ...spec, metadata: [...spec.metadata, kv.u32('general.alignment', 64)] }));
    assert.equal(h.alignment, 64);
    assert.equal(h.dataOffset % 64, 0);
    assert.ok(h.tensors.every((t) => t.offset % 64 === 0));
  });

  it('converts to f16 with round-to-nearest-even', () => {
    assert.equal(float32ToFloat16Bits(1), 0x3c00);
    assert.equal(float32ToFloat16Bits(-2), 0xc000);
    assert.equal(float32ToFloat16Bits(65504), 0x7bff);
    assert.equal(float32ToFloat16Bits(1e6), 0x7c00);
    assert.equal(float32ToFloat16Bits(5.960464477539063e-8), 0x0001);
    assert.equal(float32ToFloat16Bits(1 / 3), 0x3555);
    assert.equal(float32ToFloat16Bits(NaN) & 0x7c00, 0x7c00);
  });

  it('streams the same bytes as the in-memory writer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gguf-'));
    try {
      const path = join(dir, 'a.gguf');
      const bytes = await writeGgufFile(path, sample());
      assert.deepEqual(readFileSync(path), writeGguf(sample()));
      assert.equal(bytes, Buffer.concat([...ggufChunks(sample())]).length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad input', () => {
    assert.throws(() => writeGguf({ metadata: [], tensors: [{ name: 'x', shape: [2, 2], data: new Float32Array(3) }] }), /values/);
    assert.throws(() => writeGguf({ metadata: [kv.u32('a', -1)], tensors: [] }), /not a uint32/);
    assert.throws(() => writeGguf({ metadata: [kv.u32('a', 1), kv.u32('a', 2)], tensors: [] }), /twice/);
    assert.throws(() => writeGguf({ metadata: [{ key: 's', type: 'string', value: 3 }], tensors: [] }), /not a string/);
  });

  it('tells an HTML page, a wrong magic, a bad version and a truncated header apart', () => {
    const code = (b: Buffer): string => {
      try {
        readGguf(b);
        return 'ok';
      } catch (e) {
        assert.ok(e instanceof GgufError);
        return `${e.code}${/web page/.test(e.message) ? ':html' : ''}`;
      }
    };
    assert.equal(code(Buffer.from('<!DOCTYPE html><html><body>Not found</body></html>')), 'notGguf:html');
    assert.equal(code(Buffer.from('PK\x03\x04 some zip')), 'notGguf');
    const good = writeGguf(sample());
    const v9 = Buffer.from(good);
    v9.writeUInt32LE(9, 4);
    assert.equal(code(v9), 'badVersion');
    assert.equal(code(good.subarray(0, 100)), 'truncated');
    assert.equal(code(good), 'ok');
  });

  it('validateGgufFile catches a file cut inside its tensor data', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gguf-'));
    try {
      const path = join(dir, 'a.gguf');
      writeFileSync(path, writeGguf(sample()));
      const full = validateGgufFile(path);
      assert.equal(full.tensorCount, 3);
      truncateSync(path, full.fileSize - 40);
      assert.throws(() => validateGgufFile(path), (e: unknown) => e instanceof GgufError && e.code === 'truncated');
      assert.equal(readGgufFile(path).tensorCount, 3, 'the header alone is still readable');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('skips arrays longer than maxArrayItems', () => {
    const h = readGguf(writeGguf(sample()), { maxArrayItems: 2 });
    assert.deepEqual(h.metadata['tokenizer.ggml.tokens'], { skippedArray: true, itemType: 'string', length: 3 });
    assert.deepEqual(h.metadata.scores, [0, -1.5]);
  });

  it('node-llama-cpp reads the files this writer makes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gguf-'));
    try {
      const path = join(dir, 'a.gguf');
      writeFileSync(path, writeGguf(sample()));
      const { readGgufFileInfo } = (await import('node-llama-cpp')) as typeof import('node-llama-cpp');
      const info = await readGgufFileInfo(path, { readTensorInfo: true });
      assert.equal(info.version, 3);
      assert.equal(info.tensorInfo?.length, 3);
      assert.deepEqual(info.tensorInfo?.[0]?.dimensions.map(Number), [2, 3]);
      assert.equal((info.metadata as unknown as { general: { name: string } }).general.name, '名字 tiny');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function alignUp32(n: number): number {
  return Math.ceil(n / 32) * 32;
}
