/* global document */
// Serves the built harness with the webview's CSP and screenshots it (dev only):
//   node test/widgets-harness/build.mjs && node test/widgets-harness/screenshot.mjs [widget]
// Writes shots/<theme>-<lang>[-widget].png and fails on console errors or CSP violations.
import { createServer } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');
const shots = join(here, 'shots');
mkdirSync(shots, { recursive: true });
const only = process.argv[2];
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
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
  for (const theme of ['light', 'dark']) {
    for (const lang of ['en', 'zh-cn']) {
      const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
      page.on('console', (m) => { if (m.type() === 'error' && !m.location().url.endsWith('favicon.ico')) problems.push(`${theme}/${lang}: ${m.text()} ${m.location().url}`); });
      page.on('pageerror', (e) => problems.push(`${theme}/${lang}: ${e.message}`));
      await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP: ${e.violatedDirective} ${e.blockedURI}`)));
      await page.goto(`${base}?theme=${theme}&lang=${lang}${only ? `&widget=${only}` : ''}`);
      await page.waitForSelector('body[data-ready="1"]');
      await page.waitForTimeout(4000);
      for (const host of await page.$$('[data-widget]')) {
        const id = await host.getAttribute('data-widget');
        await host.screenshot({ path: join(shots, `${theme}-${lang}-${id}.png`) });
      }
      await page.close();
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
console.log(`[harness] screenshots in ${shots}`);
