// Builds the playground harness into test/playground-harness/out/ (dev only): node test/playground-harness/build.mjs
// Needs dist/content (npm run build) for the demo catalog and the lecture's parts.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(here, 'out');
mkdirSync(out, { recursive: true });

const zh = {};
for (const f of readdirSync(join(root, 'l10n', 'src')).filter((f) => f.endsWith('.zh-cn.json'))) Object.assign(zh, JSON.parse(readFileSync(join(root, 'l10n', 'src', f), 'utf8')));
const catalog = JSON.parse(readFileSync(join(root, 'dist', 'content', 'demos.json'), 'utf8'));
const lecture = { en: JSON.parse(readFileSync(join(root, 'dist', 'content', 'lecture.en.json'), 'utf8')), 'zh-cn': JSON.parse(readFileSync(join(root, 'dist', 'content', 'lecture.zh-cn.json'), 'utf8')) };
const parts = lecture.en.parts.map((p) => ({
  id: p.id,
  title: { en: p.title, 'zh-cn': lecture['zh-cn'].parts.find((z) => z.id === p.id)?.title ?? p.title },
  sections: lecture.en.sections.filter((s) => s.part === p.id).map((s) => s.id),
}));
writeFileSync(join(out, 'data.js'), `var harnessData = ${JSON.stringify({ catalog, zh, parts })};\n`);

await esbuild.build({
  entryPoints: [join(here, 'harness.ts')],
  outfile: join(out, 'harness.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'chrome120',
  logLevel: 'warning',
});
copyFileSync(join(root, 'media', 'css', 'base.css'), join(out, 'base.css'));
copyFileSync(join(root, 'media', 'css', 'playground.css'), join(out, 'playground.css'));
copyFileSync(join(root, 'test', 'widgets-harness', 'themes.css'), join(out, 'themes.css'));
writeFileSync(join(out, 'index.html'), `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>playground harness</title>
<link rel="stylesheet" href="themes.css"><link rel="stylesheet" href="base.css"><link rel="stylesheet" href="playground.css">
</head><body><div id="app" data-initial="null"></div><script src="data.js"></script><script src="harness.js"></script></body></html>
`);
console.log(`[playground harness] built ${out}`);
