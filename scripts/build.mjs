// One build: extension bundle, one bundle per webview (src/webview-ui/<panel>/main.ts), compiled content,
// merged l10n bundles. Flags: --production (minify, no sourcemaps), --watch.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const started = Date.now();

function mergeL10n() {
  const dir = join(root, 'l10n', 'src');
  const merged = {};
  const owners = {};
  if (existsSync(dir)) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.zh-cn.json')).sort()) {
      const entries = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      for (const [key, value] of Object.entries(entries)) {
        if (key in merged && merged[key] !== value) {
          throw new Error(`l10n: "${key}" translated differently in ${owners[key]} and ${file}`);
        }
        merged[key] = value;
        owners[key] = file;
      }
    }
  }
  const english = Object.fromEntries(Object.keys(merged).map((k) => [k, k]));
  writeFileSync(join(root, 'l10n', 'bundle.l10n.json'), JSON.stringify(english, null, 1) + '\n');
  writeFileSync(join(root, 'l10n', 'bundle.l10n.zh-cn.json'), JSON.stringify(merged, null, 1) + '\n');
  return Object.keys(merged).length;
}

function compileContent() {
  // Pure TypeScript loaders validate media/ and write dist/content/*.json (see scripts/buildContent.ts).
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'buildContent.ts')], {
    cwd: root,
    stdio: 'inherit',
  });
}

const webviewDir = join(root, 'src', 'webview-ui');
const webviewEntries = existsSync(webviewDir)
  ? readdirSync(webviewDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(webviewDir, d.name, 'main.ts')))
      .map((d) => ({ in: join(webviewDir, d.name, 'main.ts'), out: d.name }))
  : [];

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

// The BPE rank tables (0.5–2.3 MB each) stay out of the extension bundle: they are copied to dist/ranks/
// and required only when the tokenizer first needs an encoding, so activation never parses them.
const RANKS = { r50k_base: 'r50k_base', cl100k_base: 'cl100k_base', o200k_base: 'o200k_base' };
const ranksOutside = {
  name: 'ranks-outside',
  setup(build) {
    build.onResolve({ filter: /^js-tiktoken\/ranks\// }, (args) => {
      const name = args.path.split('/').pop();
      return { path: `./ranks/${name}.cjs`, external: true };
    });
  },
};

function copyRanks() {
  mkdirSync(join(root, 'dist', 'ranks'), { recursive: true });
  for (const [name, file] of Object.entries(RANKS)) {
    const source = join(root, 'node_modules', 'js-tiktoken', 'dist', 'ranks', `${file}.cjs`);
    if (existsSync(source)) copyFileSync(source, join(root, 'dist', 'ranks', `${name}.cjs`));
  }
}

const extensionOptions = {
  ...common,
  plugins: [ranksOutside],
  entryPoints: [join(root, 'src', 'extension.ts')],
  outfile: join(root, 'dist', 'extension.js'),
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  mainFields: ['module', 'main'],
};

// The local-model engine runs in its own Node process (src/local/engineMain.ts). node-llama-cpp is ESM with
// a native binary per platform, so the engine is an ES module and the package stays outside the bundle.
const engineOptions = {
  ...common,
  entryPoints: [join(root, 'src', 'local', 'engineMain.ts')],
  outfile: join(root, 'dist', 'localEngine.mjs'),
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['node-llama-cpp', '@node-llama-cpp/*'],
};

const webviewOptions = {
  ...common,
  entryPoints: webviewEntries,
  outdir: join(root, 'dist', 'webview'),
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  loader: { '.css': 'css' },
};

// The tiny GPT's training worker runs in a thread of its own, so it is a file of its own beside the extension.
const tinygptWorkerOptions = {
  ...extensionOptions,
  plugins: [],
  entryPoints: [join(root, 'src', 'tinygpt', 'trainWorker.ts')],
  outfile: join(root, 'dist', 'tinygptWorker.js'),
};

// The Training panel's inspection thread (samples, attention, next token, bits per byte off the host's thread).
const tinygptInspectWorkerOptions = {
  ...extensionOptions,
  plugins: [],
  entryPoints: [join(root, 'src', 'tinygpt', 'trainingInspectWorker.ts')],
  outfile: join(root, 'dist', 'tinygptInspectWorker.js'),
};

// The tiny GPT's sampling thread (the built-in provider's tiny GPT models, answers to rank): checkpoints are
// decoded and sampled there, never on the extension host's thread.
const tinygptSamplerWorkerOptions = {
  ...extensionOptions,
  plugins: [],
  entryPoints: [join(root, 'src', 'tinygpt', 'samplerWorker.ts')],
  outfile: join(root, 'dist', 'tinygptSamplerWorker.js'),
};

// The fine-tuning stages' worker (SFT, reward model, PPO: src/tinygpt/stages), one thread per running stage.
const tinygptStageWorkerOptions = {
  ...extensionOptions,
  plugins: [],
  entryPoints: [join(root, 'src', 'tinygpt', 'stages', 'stageWorker.ts')],
  outfile: join(root, 'dist', 'tinygptStageWorker.js'),
};

// The tokenizer's worker thread (long texts never block the extension host); it loads the rank tables
// from dist/ranks/ like the extension would.
const tokenizerWorkerOptions = {
  ...extensionOptions,
  entryPoints: [join(root, 'src', 'lessons', 'tokenizerWorker.ts')],
  outfile: join(root, 'dist', 'tokenizerWorker.js'),
};

// The program sandbox's worker: the WebAssembly interpreters (Pyodide's loader and Emscripten module,
// QuickJS) bundled into one classic-worker script that the sandbox page starts from a blob: URL, so
// nothing is imported or fetched at run time. Pyodide's Node-only branches stay unresolved (never taken).
const sandboxWorkerOptions = {
  ...common,
  sourcemap: false,
  entryPoints: [join(root, 'src', 'webview-ui', 'sandbox', 'worker.ts')],
  outfile: join(root, 'dist', 'sandbox', 'worker.js'),
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  external: ['node:*'],
  // Emscripten resolves its .wasm next to import.meta.url; the bytes are handed over instead (wasmBinary).
  define: { 'import.meta.url': '"https://sandbox.invalid/worker.js"' },
};

// The interpreters' WebAssembly and Pyodide's standard library, read by the extension and handed to the
// sandbox page (which may fetch nothing). Pinned exactly in package.json; copied, never downloaded.
const SANDBOX_ASSETS = [
  ['pyodide/pyodide.asm.wasm', 'pyodide/pyodide.asm.wasm'],
  ['pyodide/python_stdlib.zip', 'pyodide/python_stdlib.zip'],
  ['pyodide/pyodide-lock.json', 'pyodide/pyodide-lock.json'],
  ['@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm', 'quickjs/emscripten-module.wasm'],
];
function copySandboxAssets() {
  for (const [from, to] of SANDBOX_ASSETS) {
    const target = join(root, 'dist', 'sandbox', to);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(root, 'node_modules', from), target);
  }
}

mkdirSync(join(root, 'dist', 'content'), { recursive: true });
const strings = mergeL10n();
compileContent();
copyRanks();
copySandboxAssets();

if (watch) {
  const contexts = await Promise.all([esbuild.context(extensionOptions), esbuild.context(webviewOptions), esbuild.context(sandboxWorkerOptions), esbuild.context(tinygptWorkerOptions), esbuild.context(tinygptStageWorkerOptions), esbuild.context(tinygptInspectWorkerOptions), esbuild.context(tinygptSamplerWorkerOptions), esbuild.context(tokenizerWorkerOptions), esbuild.context(engineOptions)]);
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[build] watching src/ (content and l10n: re-run npm run build)');
} else {
  await Promise.all([esbuild.build(extensionOptions), webviewEntries.length ? esbuild.build(webviewOptions) : null, esbuild.build(sandboxWorkerOptions), esbuild.build(tinygptWorkerOptions), esbuild.build(tinygptStageWorkerOptions), esbuild.build(tinygptInspectWorkerOptions), esbuild.build(tinygptSamplerWorkerOptions), esbuild.build(tokenizerWorkerOptions), esbuild.build(engineOptions)]);
  console.log(
    `[build] ${production ? 'production' : 'development'} build: extension + ${webviewEntries.length} webview bundle(s), ${strings} zh-cn strings, ${Date.now() - started} ms`,
  );
}
