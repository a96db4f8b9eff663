// Builds the widget harness into test/widgets-harness/dist/ (dev only): node test/widgets-harness/build.mjs
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(here, 'dist');
mkdirSync(out, { recursive: true });

execFileSync(process.execPath, ['--import', 'tsx', '-e', `
  const { trainNgramFromMedia } = require(${JSON.stringify(join(root, 'scripts', 'trainNgram.ts'))});
  require('node:fs').writeFileSync(${JSON.stringify(join(out, 'ngram.json'))}, JSON.stringify(trainNgramFromMedia(${JSON.stringify(join(root, 'media'))})));
`], { cwd: root, stdio: 'inherit' });

const zh = {};
for (const f of readdirSync(join(root, 'l10n', 'src')).filter((f) => f.endsWith('.zh-cn.json'))) Object.assign(zh, JSON.parse(readFileSync(join(root, 'l10n', 'src', f), 'utf8')));
const model = JSON.parse(readFileSync(join(out, 'ngram.json'), 'utf8'));
writeFileSync(join(out, 'data.js'), `window.harnessData = ${JSON.stringify({ model, zh })};\n`);

await esbuild.build({
  entryPoints: [join(here, 'harness.ts')],
  outfile: join(out, 'harness.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'chrome120',
  logLevel: 'warning',
});
await esbuild.build({
  entryPoints: { 'panel-stub': join(here, 'panelStub.ts'), tokenizer: join(root, 'src', 'webview-ui', 'tokenizer', 'main.ts') },
  outdir: out, bundle: true, format: 'iife', platform: 'browser', target: 'chrome120', logLevel: 'warning',
});
const initial = { lang: 'en', strings: {}, text: 'hello world', encoding: 'cl100k_base' };
writeFileSync(join(out, 'panel.html'), `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>tokenizer panel</title>
<link rel="stylesheet" href="themes.css"><link rel="stylesheet" href="base.css"><link rel="stylesheet" href="widgets.css">
</head><body class="vscode-dark"><div id="app" data-initial="${JSON.stringify(initial).replace(/"/g, '&quot;')}"></div><script src="panel-stub.js"></script><script src="tokenizer.js"></script></body></html>
`);
// The shipped widget bundle must not contain the tokenizer's rank tables or the n-gram model: check that
// widgets/index.ts alone stays small.
const widgetsOnly = await esbuild.build({
  entryPoints: [join(root, 'src', 'webview-ui', 'widgets', 'index.ts')],
  bundle: true, format: 'iife', platform: 'browser', target: 'chrome120', write: false, minify: true, metafile: true,
});
const size = widgetsOnly.outputFiles[0].contents.length;
const inputs = Object.keys(widgetsOnly.metafile.inputs);
console.log(`[harness] widgets bundle alone: ${size} bytes minified, ${inputs.length} inputs${inputs.some((i) => i.includes('js-tiktoken')) ? ' (INCLUDES js-tiktoken!)' : ''}`);

copyFileSync(join(root, 'media', 'css', 'base.css'), join(out, 'base.css'));
copyFileSync(join(root, 'media', 'css', 'widgets.css'), join(out, 'widgets.css'));
copyFileSync(join(here, 'themes.css'), join(out, 'themes.css'));
writeFileSync(join(out, 'index.html'), `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>widgets harness</title>
<link rel="stylesheet" href="themes.css"><link rel="stylesheet" href="base.css"><link rel="stylesheet" href="widgets.css">
</head><body><div id="app" class="harness"></div><script src="data.js"></script><script src="harness.js"></script></body></html>
`);
console.log(`[harness] built ${out}`);
