// Helpers for integration tests running inside the real VS Code extension host.
import * as vscode from 'vscode';
import { recordFigure } from './perf';
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

/** Polls until check() returns a truthy value or the time is up (then throws with the message). */
export async function waitFor<T>(check: () => T | Promise<T>, message: string, timeoutMs = 10000, intervalMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms: ${message}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
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
 * Finds the frame of a webview whose document has `selector` (webviews are nested iframes).
 *
 * code-server serves every webview from the workbench's own origin, so all webviews share one service-worker
 * scope (desktop VS Code gives each webview its own origin), and now and then a new webview waits forever for
 * its worker ("Found unexpected service worker controller") and stays blank. If nothing is found after half
 * the timeout, this runs Developer: Reload Webviews once (the same HTML in new frames: a page that is really
 * broken stays broken) and counts it in test-results/host-figures.json.
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
  const found = await waitFor(find, `a webview frame with ${selector}`, timeoutMs / 2, intervalMs).catch(() => undefined);
  if (found) return found;
  webviewReloads++;
  recordFigure('host: blank webviews reloaded (code-server shared service worker)', webviewReloads, 'count');
  await vscode.commands.executeCommand('workbench.action.webview.reloadWebviewAction');
  return waitFor(find, `a webview frame with ${selector} (also after Developer: Reload Webviews)`, timeoutMs / 2, intervalMs);
}

let webviewReloads = 0;

/** Closes every editor without a "save?" dialog: dirty documents (untitled test documents) are reverted first. */
export async function closeAllEditors(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty || doc.isClosed) continue;
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  const [section, ...rest] = key.split('.');
  await vscode.workspace.getConfiguration(section).update(rest.join('.'), value, vscode.ConfigurationTarget.Global);
}
