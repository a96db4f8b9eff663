// Helpers for integration tests running inside the real VS Code extension host.
import * as vscode from 'vscode';
import type { Browser, Frame, Page } from 'playwright-core';

export const EXTENSION_ID = 'llmlab.llm-lab';

export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed`);
  if (!extension.isActive) await extension.activate();
  return extension;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Called once on timeout: what the state was instead, so that a failure names its cause. */
  describe?: () => string | Promise<string>;
}

/**
 * Polls until check() returns a truthy value or the time is up (then throws with the message, the last error and,
 * when given, what describe() says the state was).
 */
export async function waitFor<T>(check: () => T | Promise<T>, message: string, timeoutOrOptions: number | WaitOptions = 10000, intervalMs = 100): Promise<NonNullable<T>> {
  const options: WaitOptions = typeof timeoutOrOptions === 'number' ? { timeoutMs: timeoutOrOptions, intervalMs } : timeoutOrOptions;
  const timeoutMs = options.timeoutMs ?? 10000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(options.intervalMs ?? 100);
  }
  let seen = '';
  if (options.describe) {
    seen = await Promise.resolve(options.describe()).then((text) => `; instead: ${text}`, (error: unknown) => `; state unreadable: ${String(error)}`);
  }
  throw new Error(`timed out after ${timeoutMs} ms: ${message}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}${seen}`);
}

let browser: Browser | undefined;

/** The workbench page in the headless Chromium that hosts this VS Code window (over CDP). */
export async function workbenchPage(): Promise<Page> {
  const port = process.env.LLMLAB_CDP_PORT;
  if (!port) throw new Error('LLMLAB_CDP_PORT is not set: the test runner did not start Chromium with a CDP port');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  browser ??= await chromium.connectOverCDP(`http://127.0.0.1:${port}`, { timeout: 15000 });
  const pages = browser.contexts().flatMap((c) => c.pages());
  const page = pages.find((p) => p.url().includes('folder=')) ?? pages[0];
  if (!page) throw new Error('no workbench page found over CDP');
  return page;
}

/**
 * Closes this process's CDP connection to the browser (the browser and its pages stay). While it is open, every
 * event of the workbench page (each message on its connection to the extension host among them) comes to this
 * extension host over a compressed web socket: 58 ms of zlib inside one profiled cold stream run (5 ms once closed).
 * Measurements disconnect first; workbenchPage() connects again when a later test needs the page.
 */
export async function disconnectWorkbench(): Promise<void> {
  const connected = browser;
  browser = undefined;
  await connected?.close();
}

/** Webview frames of the workbench page: [frames with a document body, of which blank]. */
async function webviewCounts(page: Page): Promise<{ frames: number; blank: number }> {
  let frames = 0;
  let blank = 0;
  for (const frame of page.frames()) {
    if (frame === page.mainFrame() || !/webview|vscode-resource|index\.html/.test(frame.url())) continue;
    frames++;
    const empty = await frame.evaluate(() => !document.body || document.body.childElementCount === 0).catch(() => false);
    if (empty) blank++;
  }
  return { frames, blank };
}

/** What each webview page shows (for a failure message): its id and the start of its body. */
async function webviewBodies(page: Page): Promise<string> {
  const lines: string[] = [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame() || !/webview|vscode-resource|index\.html/.test(frame.url())) continue;
    const body = await frame.evaluate(() => (document.body?.innerHTML ?? '(no body)').replace(/\s+/g, ' ').slice(0, 160)).catch((e: Error) => `(${e.message.slice(0, 60)})`);
    lines.push(`\n    ${frame.url().replace(/^.*\//, '').slice(0, 60)}: ${body}`);
  }
  return lines.join('');
}

/**
 * Finds the frame of a webview whose document has `selector` (webviews are nested iframes). No retry: when
 * the page never shows, the error says how many webview frames there were and how many of them were blank.
 *
 * code-server serves every webview from the workbench's own origin, so all webviews share one service-worker
 * scope (desktop VS Code gives each webview its own origin): a webview created while another one is still
 * registering its worker can stay blank. Tests therefore open a webview only once the previous one has
 * loaded or gone (see waitForWebviewsSettled).
 */
export async function webviewFrame(selector: string, timeoutMs = 20000, intervalMs = 200): Promise<Frame> {
  const page = await workbenchPage();
  const find = async (): Promise<Frame | undefined> => {
    for (const frame of page.frames()) {
      try {
        if (await frame.$(selector)) return frame;
      } catch {
        // detached frame: try the next one
      }
    }
    return undefined;
  };
  return waitFor(find, `a webview frame with ${selector}`, {
    timeoutMs,
    intervalMs,
    describe: async () => {
      const { frames, blank } = await webviewCounts(page);
      return `${frames} webview frame(s) in the window, ${blank} of them blank${await webviewBodies(page)}`;
    },
  });
}

/**
 * Waits until no webview of the window is still loading: every webview frame has a document with content.
 * Call it before opening a webview right after another one was opened or closed (see webviewFrame).
 */
export async function waitForWebviewsSettled(timeoutMs = 20000): Promise<void> {
  const page = await workbenchPage();
  await waitFor(async () => (await webviewCounts(page)).blank === 0, 'every webview frame loaded', timeoutMs);
}

/**
 * Reads the last state a webview page handed to VS Code (`vscode.setState`), as its host frame forwards it
 * ("do-update-state" on the host frame's MessagePort): what VS Code restores after a reload.
 */
export async function watchWebviewState(frame: Frame): Promise<() => Promise<unknown>> {
  const host = frame.parentFrame();
  if (!host) throw new Error('the webview frame has no host frame');
  await host.evaluate(() => {
    const w = window as unknown as { __llmlabState?: string; __llmlabWatching?: boolean };
    if (w.__llmlabWatching) return;
    w.__llmlabWatching = true;
    const original = MessagePort.prototype.postMessage;
    MessagePort.prototype.postMessage = function (this: MessagePort, message: unknown, ...rest: unknown[]) {
      const m = message as { channel?: string; data?: string } | undefined;
      if (m?.channel === 'do-update-state' && typeof m.data === 'string') w.__llmlabState = m.data;
      return (original as (this: MessagePort, ...args: unknown[]) => void).call(this, message, ...rest);
    };
  });
  return async () => {
    const raw = await host.evaluate(() => (window as unknown as { __llmlabState?: string }).__llmlabState);
    return raw ? (JSON.parse(raw) as unknown) : undefined;
  };
}

/** Waits until a webview page shows VS Code's theme of that kind (VS Code sets the body class with the colours). */
export async function waitForWebviewTheme(frame: Frame, kind: 'vscode-light' | 'vscode-dark' | 'vscode-high-contrast'): Promise<void> {
  await waitFor(() => frame.evaluate((k) => document.body.classList.contains(k), kind), `the webview shows the ${kind} theme`);
}

/** Closes every editor without a "save?" dialog: dirty documents (untitled test documents) are reverted first. */
export async function closeAllEditors(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty || doc.isClosed) continue;
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/**
 * Sets a user setting and waits until the extension host sees it: `update()` can resolve before the
 * extension host has the new configuration, and so before onDidChangeConfiguration reached its listeners.
 */
export async function setSetting(key: string, value: unknown): Promise<void> {
  const [section, ...rest] = key.split('.');
  const name = rest.join('.');
  await vscode.workspace.getConfiguration(section).update(name, value, vscode.ConfigurationTarget.Global);
  await waitFor(
    () => JSON.stringify(vscode.workspace.getConfiguration(section).inspect(name)?.globalValue) === JSON.stringify(value),
    `the extension host sees ${key} = ${JSON.stringify(value)}`,
  );
}

/**
 * Points LLM Lab at a test model server (user settings: OpenAI-compatible at `baseUrl`, the first model, English,
 * programs run without asking) and returns a function that puts the previous values back.
 */
export async function useTestServerSettings(baseUrl: string): Promise<() => Promise<void>> {
  const values: Record<string, unknown> = { provider: 'openai-compatible', baseUrl, model: undefined, language: 'en', codeExecution: 'always' };
  const settings = () => vscode.workspace.getConfiguration('llmLab');
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, settings().inspect(key)?.globalValue]));
  for (const [key, value] of Object.entries(values)) await settings().update(key, value, vscode.ConfigurationTarget.Global);
  return async () => {
    for (const [key, value] of Object.entries(saved)) await settings().update(key, value, vscode.ConfigurationTarget.Global);
  };
}
