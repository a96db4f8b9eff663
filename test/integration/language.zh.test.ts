import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, waitFor, waitForWebviewsSettled, webviewFrame, workbenchPage } from './support/host';

const chinese = /[\u4e00-\u9fff]/;

// Runs in a window whose VS Code display language is zh-cn (llmLab.language stays "auto").
describe('Chinese display language', () => {
  before(async () => {
    await activateExtension();
  });
  after(async () => closeAllEditors());

  it('VS Code reports zh-cn', () => {
    assert.equal(vscode.env.language.toLowerCase(), 'zh-cn');
  });

  it('the walkthrough shows Chinese titles', async () => {
    await vscode.commands.executeCommand('llmLab.openWalkthrough');
    const page = await workbenchPage();
    await waitFor(async () => (await page.locator('.getting-started-step .step-title').count()) >= 8, 'steps rendered', 15000);
    const titles = await page.locator('.getting-started-step .step-title').allTextContents();
    assert.match(titles[0], /打开讲义/);
    assert.ok(titles.every((t) => chinese.test(t)), titles.join(' | '));
  });

  it('the lecture opens in Chinese', async () => {
    // The walkthrough's markdown media is a webview too; in code-server all webviews share one service-worker
    // scope and two registering at once can leave one blank. Let the walkthrough's webviews go first.
    await closeAllEditors();
    const page = await workbenchPage();
    await waitFor(async () => (await page.locator('.getting-started-step').count()) === 0, 'the walkthrough closed', {
      describe: async () => {
        const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => `"${t.label}"${t.input === undefined ? ' (no input)' : ''}`));
        const steps = await page.locator('.getting-started-step .step-title').allTextContents();
        return `tabs [${tabs.join(', ')}], ${steps.length} step(s) shown: ${steps.slice(0, 3).join(' | ')}`;
      },
    });
    await waitForWebviewsSettled();
    await vscode.commands.executeCommand('llmLab.openLecture', 'chain-of-thought');
    const frame = await webviewFrame('h1[data-section-id="chain-of-thought"]');
    assert.match((await frame.textContent('h1[data-section-id]')) ?? '', /思维链/);
    assert.match((await frame.getAttribute('[data-testid="search-input"]', 'placeholder')) ?? '', chinese);
  });

  it('a glossary hover explains a term in Chinese', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: 'RLHF 与思维链。' });
    await vscode.window.showTextDocument(doc);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 1));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
    assert.match(text, /基于人类反馈的强化学习|人类反馈/);
  });
});
