import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Locator, Page } from 'playwright-core';
import { activateExtension, closeAllEditors, setSetting, waitFor, webviewFrame, workbenchPage } from './support/host';

/** The rows of one side-bar view (its pane is found by its header title). */
async function viewRows(page: Page, title: string): Promise<Locator> {
  const pane = page.locator('.pane', { has: page.locator('.pane-header h3.title', { hasText: new RegExp(`^${title}$`, 'i') }) });
  await pane.first().waitFor({ state: 'visible', timeout: 15000 });
  return pane.first().locator('.monaco-list-row');
}

/**
 * The LLM Lab side bar, driven through the UI: each tree view lists what it should and a click opens the right
 * place (deep links from tree views: lecture section, glossary term, demo in the playground).
 */
describe('views: the LLM Lab side bar', function () {
  this.timeout(60000);
  const repo = process.env.LLMLAB_REPO_ROOT!;
  const lecture = JSON.parse(readFileSync(join(repo, 'dist', 'content', 'lecture.en.json'), 'utf8')) as { sections: { id: string; title: string; order: number }[] };

  before(async () => {
    await activateExtension();
    await setSetting('llmLab.language', 'en');
    await closeAllEditors();
    await vscode.commands.executeCommand('workbench.view.extension.llmLab');
  });
  after(async () => {
    await setSetting('llmLab.language', undefined);
    await closeAllEditors();
  });

  it('Lecture view: parts and numbered sections; clicking a section opens the lecture on it', async () => {
    await vscode.commands.executeCommand('llmLab.lecture.focus');
    const page = await workbenchPage();
    const rows = await viewRows(page, 'Lecture');
    const first = [...lecture.sections].sort((a, b) => a.order - b.order)[0];
    const row = rows.filter({ hasText: `1. ${first.title}` }).first();
    await row.waitFor({ state: 'visible', timeout: 15000 });
    await row.click();
    const frame = await webviewFrame(`h1[data-section-id="${first.id}"]`);
    assert.equal((await frame.textContent(`h1[data-section-id="${first.id}"]`))?.trim(), first.title);
  });

  it('Demos view: demos grouped by part; clicking a demo opens the playground on it', async () => {
    await vscode.commands.executeCommand('llmLab.demos.focus');
    const page = await workbenchPage();
    const rows = await viewRows(page, 'Demos');
    await waitFor(async () => (await rows.count()) >= 4, 'demo rows', 15000);
    const demoRows = rows.filter({ has: page.locator('.codicon-beaker') });
    const label = (await demoRows.first().getAttribute('aria-label')) ?? '';
    const title = /^Demo: (.+?)\. /.exec(label)?.[1];
    assert.ok(title, `a demo row with an accessible label, got "${label}"`);
    await demoRows.first().click();
    const frame = await webviewFrame('[data-testid="demo-select"]');
    await waitFor(async () => (await frame.locator('[data-testid="demo-select"] option:checked').textContent())?.trim() === title, `the playground shows "${title}"`, 10000);
    const visible = await demoRows.count();
    assert.ok(visible >= 3, `only ${visible} demo rows rendered`);
  });

  it('Glossary view: terms with their Chinese names; clicking a term opens its lecture section', async () => {
    await closeAllEditors();
    await vscode.commands.executeCommand('llmLab.glossary.focus');
    const page = await workbenchPage();
    const rows = await viewRows(page, 'Glossary');
    await waitFor(async () => (await rows.count()) >= 5, 'glossary rows', 15000);
    const term = rows.filter({ has: page.locator('.codicon-symbol-key') }).first();
    const text = ((await term.textContent()) ?? '').trim();
    assert.match(text, /[\u4e00-\u9fff]/, `a term row shows its Chinese name too: "${text}"`);
    await term.click();
    const frame = await webviewFrame('[data-testid="section"] h1[data-section-id]');
    assert.ok(await frame.getAttribute('h1[data-section-id]', 'data-section-id'));
  });
});
