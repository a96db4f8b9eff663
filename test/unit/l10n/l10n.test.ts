import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, ext) : ext.test(name) ? [path] : [];
  });
}

function zhFragments(): Record<string, string> {
  const dir = join(root, 'l10n', 'src');
  const merged: Record<string, string> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.zh-cn.json'))) Object.assign(merged, JSON.parse(readFileSync(join(dir, file), 'utf8')));
  return merged;
}

/** The English literals passed to t('…') anywhere in src/ (extension and webviews). */
function tLiterals(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of filesUnder(join(root, 'src'), /\.ts$/)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bt\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g)) {
      if (m[1] === '`' && m[2].includes('${')) continue;
      const key = m[2].replace(/\\(['"`\\])/g, '$1').replace(/\\n/g, '\n');
      found.set(key, file.slice(root.length + 1));
    }
  }
  return found;
}

describe('localization', () => {
  it('package.nls.json and package.nls.zh-cn.json have the same keys, all non-empty', () => {
    const en = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8'));
    const zh = JSON.parse(readFileSync(join(root, 'package.nls.zh-cn.json'), 'utf8'));
    assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
    for (const [key, value] of Object.entries(zh)) assert.ok(typeof value === 'string' && value.trim(), `zh-cn ${key} is empty`);
  });

  it('every %key% used in package.json exists in the nls files', () => {
    const manifest = readFileSync(join(root, 'package.json'), 'utf8');
    const en = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8'));
    const used = [...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
    assert.deepEqual(used.filter((k) => !(k in en)), []);
  });

  it('every runtime string t("…") in src/ has a Chinese translation', () => {
    const zh = zhFragments();
    const missing = [...tLiterals()].filter(([key]) => !(key in zh)).map(([key, file]) => `${file}: ${key}`);
    assert.deepEqual(missing, []);
  });

  it('Chinese translations keep the {0} placeholders of their English keys', () => {
    for (const [key, value] of Object.entries(zhFragments())) {
      const want = (key.match(/\{\w+\}/g) ?? []).sort().join();
      const got = (value.match(/\{\w+\}/g) ?? []).sort().join();
      assert.equal(got, want, `placeholders differ for "${key}"`);
    }
  });

  it('no Chinese fragment translates a key that no code uses (stale strings)', () => {
    const used = tLiterals();
    const stale = Object.keys(zhFragments()).filter((key) => !used.has(key));
    assert.deepEqual(stale, []);
  });
});
