/* global document, window */
// Serves the built playground harness with the webview's CSP, runs a scenario and screenshots it (dev only):
//   node test/playground-harness/build.mjs && node test/playground-harness/screenshot.mjs [scenario…]
// Scenarios: compare (cot-vs-standard), vote (self-consistency), pal, xss, nomodel, reasoning.
// Writes shots/<scenario>-<theme>-<lang>.png; fails on console errors, CSP violations or injected code running.
import { createServer } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'out');
const shots = join(here, 'shots');
mkdirSync(shots, { recursive: true });
const scenarios = process.argv.slice(2).length ? process.argv.slice(2) : ['compare', 'vote', 'pal', 'xss', 'nomodel'];
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const csp = "default-src 'none'; img-src 'self' data:; style-src 'self'; font-src 'self'; script-src 'self'";
const server = createServer((req, res) => {
  const path = join(out, decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/$/, '/index.html'));
  try {
    const body = readFileSync(path);
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream', 'content-security-policy': csp });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const problems = [];
try {
  for (const scenario of scenarios) {
    for (const theme of ['light', 'dark']) {
      for (const lang of theme === 'light' ? ['en', 'zh-cn'] : ['en']) {
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        const tag = `${scenario}/${theme}/${lang}`;
        page.on('console', (m) => { if (m.type() === 'error' && !m.location().url.endsWith('favicon.ico') && !/Refused to load the image 'http:\/\/127\.0\.0\.1:\d+\/x'/.test(m.text())) problems.push(`${tag}: ${m.text()}`); });
        page.on('pageerror', (e) => problems.push(`${tag}: ${e.message}`));
        await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP: ${e.violatedDirective} ${e.blockedURI}`)));
        await page.goto(`${base}?theme=${theme}&lang=${lang}&scenario=${scenario}`);
        await page.waitForSelector('body[data-ready="1"]');
        if (scenario !== 'nomodel') {
          await page.click('[data-testid="run-button"]');
          await page.waitForSelector('[data-testid="session-status"]');
          await page.waitForFunction(() => document.querySelector('#app')?.getAttribute('data-running') === '0', null, { timeout: 20000 });
        }
        await page.waitForTimeout(200);
        const pwned = await page.evaluate(() => window.__pwned ?? 0);
        if (pwned) problems.push(`${tag}: injected code ran (${pwned})`);
        await page.screenshot({ path: join(shots, `${scenario}-${theme}-${lang}.png`), fullPage: true });
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
  server.close();
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`[playground harness] screenshots in ${shots}`);
