import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, webviewFrame, waitFor } from './support/host';
import { recordFigure } from './support/perf';

describe('foundation: the packaged extension in VS Code 1.100', () => {
  it('runs in VS Code 1.100 and activates without errors', async () => {
    assert.match(vscode.version, /^1\.100\./);
    const extension = await activateExtension();
    assert.equal(extension.isActive, true);
    assert.equal(extension.packageJSON.name, 'llm-lab');
    assert.equal(extension.packageJSON.publisher, 'llmlab');
    const { activationMs } = extension.exports as { activationMs: number };
    assert.equal(typeof activationMs, 'number');
    recordFigure('activation time (activate() in the extension host)', activationMs, 'ms');
  });

  it('registers every command it contributes', async () => {
    const extension = await activateExtension();
    const contributed: string[] = extension.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
    assert.ok(contributed.length >= 16, `expected the SPEC commands, got ${contributed.length}`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('declares no activation at start-up', async () => {
    const extension = await activateExtension();
    const events: string[] = extension.packageJSON.activationEvents;
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'), events.join(', '));
  });

  it('opens the lecture webview and its DOM shows the section the extension sent', async function () {
    this.timeout(90000);
    await closeAllEditors();
    await vscode.commands.executeCommand('llmLab.openLecture', 'rlhf-reward-model');
    // The first webview of a fresh window also loads VS Code's webview host (service worker): allow for a slow machine.
    const frame = await webviewFrame('[data-testid="section"] h1[data-section-id]', 60000);
    const id = await waitFor(() => frame.getAttribute('h1[data-section-id]', 'data-section-id'), 'section id in the DOM');
    assert.equal(id, 'rlhf-reward-model');
    const repo = process.env.LLMLAB_REPO_ROOT!;
    const compiled = JSON.parse(readFileSync(join(repo, 'dist', 'content', 'lecture.en.json'), 'utf8')) as { sections: { id: string; title: string }[] };
    const expected = compiled.sections.find((s) => s.id === 'rlhf-reward-model')!.title;
    assert.equal((await frame.textContent('h1[data-section-id]'))?.trim(), expected);
    const bodyText = (await frame.textContent('.section-body')) ?? '';
    assert.ok(bodyText.length > 500, `section body looks empty (${bodyText.length} characters)`);
  });
});
