// Budgets that hold the product small and lazy. Prints every figure; exits 1 when one is exceeded.
// Run after `npm run package` and every integration suite (they record the host figures these budgets read).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Names in a zip's central directory (no unzip binary needed). */
function zipEntries(buffer) {
  const eocd = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buffer.readUInt16LE(eocd + 10);
  let offset = buffer.readUInt32LE(eocd + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    names.push(buffer.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;
const KB = 1024;
const results = [];
const check = (name, ok, figure, budget) => results.push({ name, ok, figure, budget });

// The .vsix: the BPE rank tables of three tokenizers (r50k 0.5 MB, cl100k 1.1 MB, o200k 2.3 MB of JS,
// about half that zipped) dominate it; everything else is well under 1 MB.
const vsix = join(root, 'llm-lab.vsix');
if (!existsSync(vsix)) check('.vsix exists (run npm run package)', false, 'missing', 'present');
else {
  const size = statSync(vsix).size;
  // Since the local-model engine (issue 17): one platform's llama.cpp CPU build and node-llama-cpp's JS under
  // dist/node_modules/ add about 12 MB zipped (the .vsix is per platform); the rest keeps its 6 MB budget.
  const withEngine = zipEntries(readFileSync(vsix)).some((f) => f.startsWith('extension/dist/node_modules/@node-llama-cpp/'));
  check('.vsix size', size <= (withEngine ? 26 : 6) * MB, `${(size / MB).toFixed(2)} MB${withEngine ? ' (with the llama.cpp engine)' : ''}`, withEngine ? '≤ 26 MB (6 MB + one platform’s engine)' : '≤ 6 MB');
  const listing = zipEntries(readFileSync(vsix));
  const files = listing.filter((f) => f.startsWith('extension/')).map((f) => f.slice('extension/'.length));
  const forbidden = files.filter((f) => /^(src|test|bench|scripts|node_modules|\.vscode-test|out)\/|\.map$|\.ts$|^tsconfig|^\.ci/.test(f));
  check('.vsix holds no sources, tests, maps or dependencies', forbidden.length === 0, forbidden.length ? forbidden.slice(0, 5).join(', ') : `${files.length} files`, 'none of src/ test/ *.map node_modules/');
  const engineFiles = files.filter((f) => f.startsWith('dist/node_modules/')).length;
  check('.vsix file count', files.length - engineFiles <= 200, `${files.length - engineFiles} files (+ ${engineFiles} of the llama.cpp engine)`, '≤ 200 (+ the engine ≤ 1500)');
  check('.vsix engine file count', engineFiles <= 1500, `${engineFiles} files`, '≤ 1500');
}

const bundle = join(root, 'dist', 'extension.js');
if (!existsSync(bundle)) check('extension bundle exists (run npm run package)', false, 'missing', 'present');
else {
  const size = statSync(bundle).size;
  check('extension bundle (dist/extension.js)', size <= 1.5 * MB, `${(size / KB).toFixed(0)} KB`, '≤ 1536 KB');
  const text = readFileSync(bundle, 'utf8');
  check('tokenizer ranks stay out of the extension bundle', !/"pat_str":/.test(text), /"pat_str":/.test(text) ? 'inlined' : 'separate files', 'separate');
}
const webviewDir = join(root, 'dist', 'webview');
if (!existsSync(webviewDir)) check('webview bundles exist (run npm run package)', false, 'missing', 'present');
else {
  for (const file of readdirSync(webviewDir).filter((f) => f.endsWith('.js'))) {
    const size = statSync(join(webviewDir, file)).size;
    check(`webview bundle ${file}`, size <= 512 * KB, `${(size / KB).toFixed(0)} KB`, '≤ 512 KB');
  }
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const eager = pkg.activationEvents.filter((e) => e === '*' || e === 'onStartupFinished');
check('no activation at start-up', eager.length === 0, pkg.activationEvents.join(' '), 'no * / onStartupFinished');

// Figures measured in the real host by the integration suites (test/host/runIntegration.mjs clears the file
// at the start of every run). A budget whose figure is missing fails: a suite that stopped measuring must not
// pass silently.
const figuresFile = join(root, 'test-results', 'host-figures.json');
const figures = existsSync(figuresFile) ? JSON.parse(readFileSync(figuresFile, 'utf8')) : {};
/** Checks a budget against host figures; a missing figure fails with the suite that should have written it. */
const hostBudget = (name, keys, suite, test, budget) => {
  const values = keys.map((key) => figures[key]);
  const missing = keys.filter((key, i) => !values[i]);
  if (missing.length) check(name, false, `missing figure "${missing.join('", "')}" (run the integration suite "${suite}")`, budget);
  else check(name, test(...values.map((v) => v.value)), ...describe(values), budget);
};
const describe = (values) => [values.map((v) => `${v.value} ${v.unit}`).join(' / ')];
hostBudget('no activation in a fresh window with an empty workspace', ['fresh window: LLM Lab active after start-up (1 = yes)'], 'fresh', (active) => active === 0, 'not active (0)');
hostBudget('activation time in the real host', ['activation time (activate() in the extension host)'], 'main', (ms) => ms <= 250, '≤ 250 ms');
hostBudget('lecture panel: webview script start to first section paint', ['lecture: script start to first paint (in webview)'], 'main', (ms) => ms <= 300, '≤ 300 ms');
// Most of a warm open is VS Code creating the webview frame; the budget is what the lecture adds over a bare
// webview measured in the same run (ratio), with an absolute ceiling that only catches a hang.
hostBudget('lecture panel: open command to section paint (warm) / a bare webview', ['lecture warm open / bare webview open'], 'main', (ratio) => ratio <= 2.5, '≤ 2.5×');
hostBudget('lecture panel: open command to section paint (warm), absolute ceiling', ['lecture: open command to section paint (warm)'], 'main', (ms) => ms <= 5000, '≤ 5000 ms');
// One 20,000-token stream (≈ 5 MB of SSE) through llmLab.runDemo vs a raw fetch read of the same stream, in the fresh
// suite (test/integration/streaming.fresh.test.ts; each kind keeps the better of two windows, ratio and times together).
// Issue 15's goal is ≤ 1.2× for both; these are ceilings above the spread measured on this 2-core machine, so that a
// regression fails while the noise does not. Measured in full runs: warm 0.97-1.6×, cold 1.2-3.9× (raw 35-55 ms).
// Why cold stays above the goal (traced per layer in the host, 2026-12-06): with the SSE decoding switched off
// altogether (an experiment, not shipped: bytes read and dropped), cold was still 2.2× in both windows and warm 0.95×.
// So what remains is not the decoder but the first command's whole path right after activation (each layer slower:
// dispatch to fetch 7 ms vs 1.5, the body 53 ms vs 37-44), on 2 cores shared with the workbench and the server; and
// one cold sample per window is divided by the best of 6 raw reads, which ranged 35-210 ms within one window.
// What was tried, kept and dropped is in CHANGELOG.md and issue 15's notes.
hostBudget('streaming overhead, warm: llmLab.runDemo / raw fetch', ['streaming: runDemo / raw fetch, 20,000 tokens (warm)'], 'fresh', (ratio) => ratio <= 1.8, '≤ 1.8× (goal 1.2×)');
hostBudget('streaming overhead, cold (first run after activation): llmLab.runDemo / raw fetch', ['streaming: runDemo / raw fetch, 20,000 tokens (cold)'], 'fresh', (ratio) => ratio <= 6, '≤ 6× (goal 1.2×)');
let failed = 0;
for (const r of results) {
  if (!r.ok) failed++;
  console.log(`  ${r.ok ? '✔' : '✖'} ${r.name}: ${r.figure} (budget ${r.budget})`);
}
console.log(`\n  ${results.length - failed} passing`);
if (failed) console.log(`  ${failed} failing`);
process.exitCode = failed ? 1 : 0;
