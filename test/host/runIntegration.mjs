// npm run test:integration — mocha inside a real VS Code 1.100 (code-server + headless Chromium) with the
// packaged .vsix installed. Suites: "main" (trusted workspace), "restricted" (untrusted workspace),
// "zh" (VS Code display language zh-cn), "fresh" (an empty folder: nothing may activate LLM Lab). Prints
// mocha's summary lines, writes test-results/integration.json, exits non-zero on any failure or if the host
// fails to start. Flags: --no-package, --grep <re>, --suite <name>.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild';
import { checkSystem, ensureCodeServer, freePort, installExtension, launchBrowser, newWorkbenchPage, root, startCodeServer } from './hostKit.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
// A ceiling for a hung host, not a speed budget: the main suite now runs PAL programs in WebAssembly, a local
// llama.cpp engine and tiny-GPT training, which take minutes on a loaded 2-core machine.
const SUITE_TIMEOUT_MS = Number(process.env.LLMLAB_SUITE_TIMEOUT_MS || 25 * 60 * 1000);

function say(line) {
  process.stdout.write(line + '\n');
}

function packageVsix() {
  const vsix = join(root, 'llm-lab.vsix');
  if (!flag('--no-package') || !existsSync(vsix)) {
    execFileSync(process.execPath, [join(root, 'scripts', 'package.mjs')], { cwd: root, stdio: 'inherit' });
  }
  return vsix;
}

function packageRunner(name = 'runner-extension') {
  const dir = join(root, 'test', 'host', name);
  const out = join(root, '.vscode-test', `llm-lab-test-${name}.vsix`);
  mkdirSync(join(root, '.vscode-test'), { recursive: true });
  const newest = Math.max(...readdirSync(dir).map((f) => statSync(join(dir, f)).mtimeMs));
  if (!existsSync(out) || statSync(out).mtimeMs < newest) {
    execFileSync(process.execPath, [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '-o', out], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return out;
}

async function compileTests() {
  const dir = join(root, 'test', 'integration');
  const files = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort();
  const outdir = join(root, 'out', 'integration');
  rmSync(outdir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: files.map((f) => join(dir, f)),
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'playwright-core', 'mocha', 'axe-core'],
    logLevel: 'warning',
  });
  return files.map((f) => join(outdir, f.replace(/\.ts$/, '.js')));
}

const suites = [
  { name: 'main', match: (f) => !/\.(restricted|zh|reload\d|smoke|lm|fresh)\.test\.js$/.test(f), trust: true },
  // A fresh window on an empty folder: the test only watches (it must not activate LLM Lab itself).
  // Two windows: a cold stream run happens once per window, and the budgets take the better of two.
  { name: 'fresh', match: (f) => /\.fresh\.test\.js$/.test(f), trust: true, emptyWorkspace: true, windows: 2 },
  // The editor's own models: the runner registers a language model through the proposed chatProvider API,
  // enabled for the runner only and only in this suite (it turns on VS Code's chat machinery).
  { name: 'lm', match: (f) => /\.lm\.test\.js$/.test(f), trust: true, proposedApi: true },
  // A clean profile with only the packaged .vsix; the tests drive the UI, never the extension's API.
  { name: 'smoke', match: (f) => /\.smoke\.test\.js$/.test(f), trust: true },
  // Two phases in one browser session with a real window reload between them (the runner reloads).
  { name: 'reload', match: (f) => /\.reload\d\.test\.js$/.test(f), trust: true, phased: true },
  { name: 'restricted', match: (f) => /\.restricted\.test\.js$/.test(f), trust: false },
  { name: 'zh', match: (f) => /\.zh\.test\.js$/.test(f), trust: true, locale: 'zh-cn' },
];

/** Lets the installed test runner register editor language models (lm suite only; see suites above). */
function enableChatProvider(dataDir) {
  const dir = readdirSync(join(dataDir, 'ext')).find((d) => d.startsWith('llmlab.llm-lab-test-runner'));
  if (!dir) throw new Error('the test runner extension is not installed');
  const manifestPath = join(dataDir, 'ext', dir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  manifest.enabledApiProposals = ['chatProvider'];
  manifest.contributes = { ...manifest.contributes, languageModels: { vendor: 'llmlab-test' } };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
}

async function runSuite(suite, files, vsix, runnerVsix) {
  const dataDir = mkdtempSync(join(tmpdir(), `llmlab-host-${suite.name}-`));
  const workspace = join(dataDir, 'workspace');
  if (suite.emptyWorkspace) mkdirSync(workspace, { recursive: true });
  else cpSync(join(root, 'sample-workspace'), workspace, { recursive: true });
  installExtension(dataDir, vsix);
  installExtension(dataDir, runnerVsix);
  if (suite.proposedApi) enableChatProvider(dataDir);
  if (suite.locale) {
    // The offline host has no real language pack; an empty one plus its languagepacks.json entry is enough
    // for VS Code to run with the zh-cn display language (extensions then read package.nls.zh-cn.json).
    installExtension(dataDir, packageRunner('zh-langpack'));
    const packDir = readdirSync(join(dataDir, 'ext')).find((d) => d.startsWith('llmlab.llm-lab-test-langpack'));
    writeFileSync(join(dataDir, 'user', 'languagepacks.json'), JSON.stringify({
      [suite.locale]: {
        hash: 'llmlabtestpack1',
        extensions: [{ extensionIdentifier: { id: 'llmlab.llm-lab-test-langpack-zh-cn' }, version: '0.0.1' }],
        translations: { vscode: join(dataDir, 'ext', packDir, 'translations', 'main.i18n.json') },
        label: '中文(简体)',
      },
    }));
  }
  const resultsPath = join(dataDir, 'results.json');
  const logPath = join(dataDir, 'tests.log');
  writeFileSync(logPath, '');
  const cdpPort = await freePort();
  const env = {
    LLMLAB_TEST_RESULTS: resultsPath,
    LLMLAB_TEST_LOG: logPath,
    LLMLAB_TEST_FILES: suite.phased
      ? [...new Set(files.map((f) => f.match(/\.reload(\d)\.test\.js$/)[1]))].sort().map((n) => files.filter((f) => f.endsWith(`.reload${n}.test.js`)).join(',')).join('|')
      : files.join(','),
    LLMLAB_MOCHA: join(root, 'node_modules', 'mocha'),
    LLMLAB_CDP_PORT: String(cdpPort),
    LLMLAB_REPO_ROOT: root,
    LLMLAB_WORKSPACE: workspace,
    LLMLAB_HOST_DATA: dataDir,
    LLMLAB_SUITE: suite.name,
    ...(option('--grep') ? { LLMLAB_TEST_GREP: option('--grep') } : {}),
  };
  let server;
  let browser;
  const started = Date.now();
  try {
    server = await startCodeServer({ dataDir, workspace, env, trust: suite.trust, locale: suite.locale, proposedApi: suite.proposedApi });
    browser = await launchBrowser({ cdpPort, lang: suite.locale });
    const page = await newWorkbenchPage(browser, { viewport: { width: 1400, height: 900 } });
    page.on('pageerror', () => {});
    await page.goto(server.url, { waitUntil: 'domcontentloaded', timeout: 60000 });
    let printed = 0;
    let shots = 0;
    const deadline = Date.now() + SUITE_TIMEOUT_MS;
    while (!existsSync(resultsPath)) {
      if (Date.now() > deadline) throw new Error(`no test results after ${SUITE_TIMEOUT_MS / 1000} s (is the extension host running?)\n${server.output().slice(-2000)}`);
      const text = readFileSync(logPath, 'utf8');
      if (text.length > printed) {
        const fresh = text.slice(printed);
        process.stdout.write(fresh);
        printed = text.length;
        // What the window looked like when a test failed (the first three per suite), for the CI log reader.
        if (fresh.includes('✖') && shots < 3) {
          shots++;
          const shot = join(root, 'test-results', `failure-${suite.name}-${shots}.png`);
          mkdirSync(dirname(shot), { recursive: true });
          await page.screenshot({ path: shot }).then(() => say(`  (screenshot: ${shot})`), () => {});
        }
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    await new Promise((r) => setTimeout(r, 200));
    const text = readFileSync(logPath, 'utf8');
    if (text.length > printed) process.stdout.write(text.slice(printed));
    const results = JSON.parse(readFileSync(resultsPath, 'utf8'));
    results.wallMs = Date.now() - started;
    return results;
  } finally {
    try {
      await browser?.close();
    } catch {}
    server?.stop();
    if (!process.env.LLMLAB_KEEP_HOST_DATA) setTimeout(() => rmSync(dataDir, { recursive: true, force: true }), 2000).unref();
  }
}

async function main() {
  checkSystem();
  ensureCodeServer();
  const vsix = packageVsix();
  const runnerVsix = packageRunner();
  const compiled = await compileTests();
  const only = option('--suite');
  // Figures measured in the host belong to this run only: a stale file could pass the budgets.
  rmSync(join(root, 'test-results', 'host-figures.json'), { force: true });
  const totals = { passes: 0, failures: 0, pending: 0, suites: {} };
  const windows = suites.flatMap((suite) => Array.from({ length: suite.windows ?? 1 }, (_, i) => ({ suite, window: i + 1 })));
  for (const { suite, window } of windows) {
    if (only && suite.name !== only) continue;
    const files = compiled.filter(suite.match);
    if (!files.length) continue;
    const label = suite.windows > 1 ? `${suite.name} #${window}` : suite.name;
    say(`\n[integration] suite "${label}" (${files.length} file(s), workspace trust ${suite.trust ? 'on' : 'restricted'}${suite.locale ? `, locale ${suite.locale}` : ''})`);
    let results;
    try {
      results = await runSuite(suite, files, vsix, runnerVsix);
    } catch (error) {
      results = { passes: 0, failures: 1, pending: 0, failuresDetail: [{ title: `suite ${suite.name}: host`, message: String(error?.message ?? error) }], error: null };
    }
    if (results.error) {
      results.failures += 1;
      results.failuresDetail.push({ title: `suite ${suite.name}: runner`, message: results.error });
    }
    totals.passes += results.passes;
    totals.failures += results.failures;
    totals.pending += results.pending;
    totals.suites[label] = { passes: results.passes, failures: results.failures, pending: results.pending, wallMs: results.wallMs };
    for (const [i, f] of results.failuresDetail.entries()) {
      say(`\n  ${i + 1}) ${f.title}\n     ${String(f.message).split('\n').join('\n     ')}`);
    }
  }
  say(`\n  ${totals.passes} passing`);
  if (totals.pending) say(`  ${totals.pending} pending`);
  if (totals.failures) say(`  ${totals.failures} failing`);
  mkdirSync(join(root, 'test-results'), { recursive: true });
  writeFileSync(join(root, 'test-results', 'integration.json'), JSON.stringify(totals, null, 2));
  // A pending (skipped) test is a failure we owe.
  process.exitCode = totals.failures + totals.pending > 0 || totals.passes === 0 ? 1 : 0;
}

main().catch((error) => {
  process.stderr.write(`[integration] ${error?.stack ?? error}\n`);
  mkdirSync(join(root, 'test-results'), { recursive: true });
  writeFileSync(join(root, 'test-results', 'integration.json'), JSON.stringify({ passes: 0, failures: 1, pending: 0, error: String(error?.message ?? error) }));
  process.exitCode = 1;
});
