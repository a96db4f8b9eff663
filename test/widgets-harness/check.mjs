/* global document, window, Event, sessionStorage */
// Drives every widget in the harness page the way the integration tests drive them in VS Code (dev only):
//   node test/widgets-harness/build.mjs && node test/widgets-harness/check.mjs
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const out = join(dirname(fileURLToPath(import.meta.url)), 'dist');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const server = createServer((req, res) => {
  const path = join(out, new URL(req.url, 'http://x').pathname.replace(/^\/$/, '/index.html'));
  try {
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream', 'content-security-policy': "default-src 'none'; style-src 'self'; script-src 'self'" });
    res.end(readFileSync(path));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
page.on('console', (m) => { if (m.type() === 'error' && !m.location().url.endsWith('favicon.ico')) errors.push(m.text()); });
await page.goto(`http://127.0.0.1:${server.address().port}/?theme=dark`);
await page.waitForSelector('body[data-ready="1"]');
const renderMs = await page.$$eval('[data-widget]', (hosts) => hosts.map((h) => `${h.dataset.widget} ${h.dataset.widgetRenderMs} ms`));
console.log(`[harness] first render (synchronous mount): ${renderMs.join(', ')}`);

const set = (id, v) => page.$eval(`[data-testid="${id}"]`, (el, value) => { el.value = value; el.dispatchEvent(new Event('input', { bubbles: true })); }, v);
const text = async (id) => ((await page.textContent(`[data-testid="${id}"]`)) ?? '').trim();
const until = async (fn, what) => {
  for (let i = 0; i < 100; i++) { if (await fn()) return; await page.waitForTimeout(100); }
  throw new Error(`timed out: ${what}`);
};
const checks = [];
const check = async (name, fn) => { await fn(); checks.push(name); };
try {
  await check('attention dense n=8 → 36', async () => {
    await page.check('[data-testid="attention-pattern-dense"]');
    await set('attention-n', '8');
    assert.equal(await text('attention-count'), '36');
    assert.equal(await text('attention-total'), '64');
  });
  await check('attention strided n=6 l=2 → 17; keyboard row', async () => {
    await page.check('[data-testid="attention-pattern-strided"]');
    await set('attention-n', '6');
    await set('attention-stride', '2');
    assert.equal(await text('attention-count'), '17');
    const before = await text('attention-row');
    await page.press('[data-testid="attention-grid"]', 'ArrowUp');
    assert.notEqual(await text('attention-row'), before);
  });
  await check('attention fixed n=6 l=3 c=1 → 15', async () => {
    await page.check('[data-testid="attention-pattern-fixed"]');
    await set('attention-stride', '3');
    await set('attention-c', '1');
    assert.equal(await text('attention-count'), '15');
  });
  await check('ranking: equal rewards → ln 2; add → 10 pairs; move down', async () => {
    const k = Number(await text('ranking-k'));
    for (let i = 0; i < k; i++) await set(`ranking-reward-${i}`, '0');
    assert.equal(await text('ranking-loss'), '0.693');
    await page.click('[data-testid="ranking-add"]');
    assert.equal(await text('ranking-pairs'), '10');
    const top = await page.getAttribute('[data-testid="ranking-item-0"]', 'data-key');
    await page.click('[data-testid="ranking-down-0"]');
    assert.equal(await page.getAttribute('[data-testid="ranking-item-1"]', 'data-key'), top);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'ranking-down-1', 'focus follows the moved answer');
  });
  await check('ppo: β = 0 collapses, KL grows', async () => {
    await page.click('[data-testid="ppo-reset"]');
    const kl = Number(await text('ppo-kl'));
    await page.click('[data-testid="ppo-beta-zero"]');
    assert.ok(Number(await text('ppo-kl')) > kl);
    assert.ok(parseFloat(await text('ppo-policy-2')) > 90, await text('ppo-policy-2'));
    assert.match(await text('ppo-note'), /reward hacking/);
  });
  await check('scaling: GPT-3 → 173.9B, 3.13e23 FLOPs; GPT-1 shape → 84.93M', async () => {
    await page.selectOption('[data-testid="scaling-preset"]', 'gpt-3');
    await set('scaling-tokens', '300');
    assert.equal(await text('scaling-params'), '173.9B');
    assert.match(await text('scaling-flops'), /^3\.13e23/);
    await set('scaling-layers', '12');
    await set('scaling-dmodel', '768');
    assert.equal(await text('scaling-params'), '84.93M');
    assert.equal(await page.inputValue('[data-testid="scaling-preset"]'), 'gpt-1');
  });
  await check('next-token: click appends', async () => {
    await page.fill('[data-testid="next-token-prefix"]', 'The reward model');
    await until(async () => (await page.getAttribute('[data-testid="next-token-option-0"]', 'data-token')) !== null && /reward/.test(await text('next-token-order')), 'options for the new prefix');
    const token = await page.getAttribute('[data-testid="next-token-option-0"]', 'data-token');
    await page.click('[data-testid="next-token-option-0"]');
    assert.equal(await page.inputValue('[data-testid="next-token-prefix"]'), `The reward model${token}`);
  });
  await check('temperature: T = 0 greedy whatever the seed', async () => {
    await set('temperature-t', '0');
    await until(async () => /T = 0\.00/.test(await text('temperature-output')), 'T = 0 row current');
    const first = await text('temperature-output');
    await page.click('[data-testid="temperature-sample"]');
    await page.waitForTimeout(600);
    assert.equal(await text('temperature-output'), first);
  });
  await check('tokenizer: Chinese in r50k = 23, o200k = 8; ids toggle', async () => {
    await page.fill('[data-testid="tokenizer-input"]', '哈尔滨是一座美丽城市。');
    await page.selectOption('[data-testid="tokenizer-encoding"]', 'r50k_base');
    await until(async () => (await text('tokenizer-count')) === '23', 'r50k count');
    await page.selectOption('[data-testid="tokenizer-encoding"]', 'o200k_base');
    await until(async () => (await text('tokenizer-count')) === '8', 'o200k count');
    await page.check('[data-testid="tokenizer-show-ids"]');
    assert.ok(await page.$('.token-view.show-ids'));
  });
  await check('every widget reported use once', async () => {
    const used = await page.evaluate(() => window.widgetUsed);
    assert.deepEqual([...used].sort(), ['attention', 'next-token', 'ppo', 'ranking-loss', 'scaling', 'temperature', 'tokenizer']);
  });
  await check('state survives a reload', async () => {
    await page.reload();
    await page.waitForSelector('body[data-ready="1"]');
    assert.equal(await page.inputValue('[data-testid="attention-n"]'), '6');
    assert.equal(await page.inputValue('[data-testid="tokenizer-encoding"]'), 'o200k_base');
    assert.equal(await page.inputValue('[data-testid="scaling-layers"]'), '12');
  });
  await check('tokenizer panel webview: initial text, then a "show" message from the extension', async () => {
    await page.goto(`http://127.0.0.1:${server.address().port}/panel.html`);
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await until(async () => (await text('tokenizer-count')) === '2', 'hello world = 2 tokens');
    assert.equal(await text('tokenizer-ids'), '[15339, 1917]');
    await page.evaluate(() => window.postMessage({ type: 'show', text: '哈尔滨是一座美丽城市。', encoding: 'r50k_base' }, '*'));
    await until(async () => (await text('tokenizer-count')) === '23', 'show message re-mounts with the new text');
    assert.ok((await page.evaluate(() => window.posted)).some((m) => m.type === 'ready'));
  });
  assert.deepEqual(errors, []);
  console.log(`[harness] ${checks.length} checks passed:\n  ${checks.join('\n  ')}`);
} finally {
  await browser.close();
  server.close();
}
