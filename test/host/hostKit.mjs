// Installs and drives the real VS Code test host: code-server 4.100.3 (VS Code 1.100.3) + headless Chromium,
// as in shared/recipes/real-vscode-test-host.md. Every wait is bounded; every process started is ended.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';
const cacheDir = join(root, '.vscode-test', 'code-server');
export const codeServerBin = join(cacheDir, 'node_modules', '.bin', 'code-server');
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function log(message) {
  process.stderr.write(`[host] ${message}\n`);
}

function which(cmd) {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/** Fails fast, with the fix, when a system package is missing. */
export function checkSystem() {
  const missing = [];
  if (!existsSync(chromiumPath)) missing.push('chromium');
  if (!which('rg')) missing.push('ripgrep');
  if (!existsSync(codeServerBin) && !existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  if (missing.length) {
    throw new Error(`missing system packages: ${missing.join(' ')}. Install them with: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
  }
}

/** Installs code-server into .vscode-test/ once (about 45 s, ~300 MB), seeding ripgrep from the system binary. */
export function ensureCodeServer() {
  if (existsSync(codeServerBin)) return codeServerBin;
  checkSystem();
  const ripgrepVersion = '1.15.11';
  const rgCache = join(tmpdir(), `vscode-ripgrep-cache-${ripgrepVersion}`);
  mkdirSync(rgCache, { recursive: true });
  const pack = mkdtempSync(join(tmpdir(), 'rgpack-'));
  copyFileSync(which('rg'), join(pack, 'rg'));
  for (const name of ['ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz', 'ripgrep-v13.0.0-13-x86_64-unknown-linux-musl.tar.gz']) {
    execFileSync('tar', ['czf', join(rgCache, name), '-C', pack, 'rg']);
  }
  mkdirSync(cacheDir, { recursive: true });
  log(`installing code-server@${CODE_SERVER_VERSION} into ${cacheDir} (one time)…`);
  const started = Date.now();
  execFileSync(
    'npm',
    ['install', '--prefix', cacheDir, '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, npm_config_yes: 'true', npm_config_unsafe_perm: 'true' },
      timeout: 15 * 60 * 1000,
    },
  );
  if (!existsSync(codeServerBin)) throw new Error('code-server install finished but its binary is missing');
  log(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return codeServerBin;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function installExtension(dataDir, vsixPath) {
  execFileSync(
    codeServerBin,
    ['--user-data-dir', join(dataDir, 'user'), '--extensions-dir', join(dataDir, 'ext'), '--install-extension', vsixPath, '--force'],
    { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000 },
  );
}

async function waitForHttp(url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return;
      lastError = `HTTP ${res.status}`;
    } catch (error) {
      lastError = String(error?.message ?? error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs} ms (${lastError})`);
}

/**
 * Starts code-server on a workspace. Returns { port, url, stop() }.
 * options: { dataDir, workspace, port?, settings?, env?, trust?: boolean (default true), locale? }
 */
export async function startCodeServer(options) {
  const { dataDir, workspace } = options;
  const port = options.port ?? (await freePort());
  const userDir = join(dataDir, 'user', 'User');
  mkdirSync(userDir, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'security.workspace.trust.startupPrompt': 'never',
    'window.restoreWindows': 'none',
    // code-server's port forwarding scans /proc (a shell running `ls -l /proc/*/fd`) every 2 s or more, in the
    // extension host, once a test server listens: noise in every timing a test takes, and absent from desktop VS Code.
    'remote.autoForwardPorts': false,
    ...options.settings,
  };
  writeFileSync(join(userDir, 'settings.json'), JSON.stringify(settings, null, 2));
  if (options.locale) {
    writeFileSync(join(dataDir, 'user', 'User', 'argv.json'), JSON.stringify({ locale: options.locale }));
  }
  const args = [
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', join(dataDir, 'user'),
    '--extensions-dir', join(dataDir, 'ext'),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
  ];
  // The test runner (never shipped) registers a fake editor language model through the proposed chatProvider API.
  if (options.proposedApi) args.push('--enable-proposed-api', 'llmlab.llm-lab-test-runner');
  if (options.trust !== false) args.push('--disable-workspace-trust');
  if (options.locale) args.push('--locale', options.locale);
  args.push(workspace);
  const logFile = join(dataDir, 'code-server.log');
  const out = [];
  const child = spawn(codeServerBin, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => out.push(d));
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
    setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, 1500).unref();
    try {
      writeFileSync(logFile, Buffer.concat(out));
    } catch {}
  };
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60000, child);
  } catch (error) {
    stop();
    throw new Error(`${error.message}\n--- code-server output ---\n${Buffer.concat(out).toString().slice(-3000)}`);
  }
  return { port, url, stop, output: () => Buffer.concat(out).toString() };
}

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches headless Chromium (with a CDP port the tests in the extension host can attach to). */
export async function launchBrowser({ cdpPort, lang } = {}) {
  const { chromium } = await import('playwright-core');
  const args = [...chromiumArgs];
  if (cdpPort) args.push(`--remote-debugging-port=${cdpPort}`, '--remote-debugging-address=127.0.0.1');
  if (lang) args.push(`--lang=${lang}`);
  return chromium.launch({ executablePath: chromiumPath, headless: true, args, timeout: 60000 });
}

/**
 * code-server registers a PWA service worker (`/_static/out/browser/serviceWorker.js`, scope `/`) that claims
 * every client, webview frames included. When it activates while VS Code's first webviews start, a webview
 * finds "an unexpected service worker controller", waits for one that never comes and stays blank. The test
 * host refuses that one registration (VS Code's own webview worker, `service-worker.js`, is untouched).
 */
const BLOCK_CODE_SERVER_SERVICE_WORKER = `(() => {
  const container = navigator.serviceWorker;
  if (!container) return;
  const register = container.register.bind(container);
  container.register = (url, options) => String(url).split('?')[0].endsWith('/serviceWorker.js')
    ? Promise.reject(new Error('test host: the code-server PWA service worker is disabled (it takes over webview frames)'))
    : register(url, options);
})();`;

/** A page for the workbench: `browser.newPage(options)` without code-server's PWA service worker. */
export async function newWorkbenchPage(browser, options) {
  const page = await browser.newPage(options);
  await page.addInitScript(BLOCK_CODE_SERVER_SERVICE_WORKER);
  return page;
}

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function cleanDir(path) {
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { recursive: true });
}
