import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, waitFor, workbenchPage } from './support/host';
import { recordFigure } from './support/perf';

/** Every extension-host log of this window's user-data dir (code-server: user/logs/<date>/exthost1/remoteexthost.log). */
function extensionHostLog(): string {
  const dir = process.env.LLMLAB_HOST_DATA;
  if (!dir) return '';
  const found: string[] = [];
  const walk = (path: string, depth: number): void => {
    if (depth > 6 || !existsSync(path)) return;
    for (const name of readdirSync(path)) {
      const child = join(path, name);
      if (statSync(child).isDirectory()) walk(child, depth + 1);
      else if (name.endsWith('exthost.log')) found.push(child);
    }
  };
  walk(join(dir, 'user', 'logs'), 0);
  return found.map((file) => readFileSync(file, 'utf8')).join('\n');
}

/** The log's "_doActivateExtension <id>, startup: …, activationEvent: '<event>'" lines, as `<id> ← <event>`. */
function activations(log: string): string[] {
  return [...log.matchAll(/_doActivateExtension ([\w.-]+), startup: \w+, activationEvent: '([^']+)'/g)].map((m) => `${m[1]} ← ${m[2]}`);
}

// Runs in a window opened on an empty folder, where nobody uses LLM Lab. This file never activates the
// extension (no activateExtension()), it only watches.
describe('a fresh window with an empty workspace', () => {
  it('does not activate LLM Lab', async function () {
    this.timeout(60000);
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    // Settled = the runner was activated by onStartupFinished (the workbench has restored), the workbench
    // page shows its explorer and status bar and reaches an idle callback, and then a command has made a round
    // trip through the window: any activation request that the start-up sent (VS Code 1.100 fires
    // onLanguage:plaintext ~0.4 s after the host starts) reached the extension host before that reply.
    const page = await workbenchPage();
    await waitFor(async () => (await page.locator('.part.statusbar .statusbar-item').count()) > 0 && (await page.locator('.explorer-folders-view, .explorer-viewlet').count()) > 0, 'workbench rendered', 30000);
    await page.evaluate(() => new Promise<void>((resolve) => requestIdleCallback(() => resolve(), { timeout: 5000 })));
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await waitFor(() => activations(extensionHostLog()).length > 0, 'the extension host logged the start-up activations (the runner at least)', 15000);
    const log = activations(extensionHostLog());
    recordFigure('fresh window: LLM Lab active after start-up (1 = yes)', extension.isActive ? 1 : 0, 'flag', 'max');
    // VS Code logs `onLanguage` (emmet listens to it) when the start-up creates a text model: the event that
    // activated LLM Lab through onLanguage:plaintext before it stopped listening to plaintext.
    recordFigure('fresh window: a text model was created at start-up (onLanguage fired, 1 = yes)', log.some((l) => / ← onLanguage(:|$)/.test(l)) ? 1 : 0, 'flag', 'max');
    const ours = log.filter((l) => l.startsWith(`${EXTENSION_ID} `));
    assert.deepEqual(ours, [], `LLM Lab was activated by: ${ours.join(', ')}`);
    assert.equal(extension.isActive, false, `LLM Lab is active in a fresh window (activations seen: ${log.join('; ')})`);
  });
});
