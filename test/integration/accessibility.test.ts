import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Frame } from 'playwright-core';
import { activateExtension, closeAllEditors, setSetting, waitForWebviewTheme, webviewFrame, waitFor } from './support/host';

interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core (bundled from node_modules) inside a webview frame; evaluate() is not subject to the page CSP. */
async function axe(frame: Frame, rules?: string[]): Promise<AxeViolation[]> {
  const source = readFileSync(join(process.env.LLMLAB_REPO_ROOT!, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  await frame.evaluate(source);
  return frame.evaluate(async (only) => {
    const w = window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } };
    const options = only ? { runOnly: { type: 'rule', values: only } } : { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } };
    const result = await w.axe.run(document, options);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target })) }));
  }, rules ?? null);
}

const describeViolations = (list: AxeViolation[]): string => list.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`).join('\n');

describe('accessibility', () => {
  before(async () => {
    await activateExtension();
    await setSetting('llmLab.language', 'en');
  });
  after(async () => {
    await setSetting('workbench.colorTheme', undefined);
    await setSetting('llmLab.language', undefined);
    await closeAllEditors();
  });

  it('lecture panel: no WCAG 2 A/AA violations (axe-core) in the dark theme', async () => {
    await setSetting('workbench.colorTheme', 'Default Dark Modern');
    await vscode.commands.executeCommand('llmLab.openLecture', 'rlhf-reward-model');
    const frame = await webviewFrame('h1[data-section-id="rlhf-reward-model"]');
    await waitForWebviewTheme(frame, 'vscode-dark');
    const violations = (await axe(frame)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(violations, [], describeViolations(violations));
  });

  it('lecture panel: colour contrast holds in the high-contrast theme', async () => {
    await setSetting('workbench.colorTheme', 'Default High Contrast');
    await vscode.commands.executeCommand('llmLab.openLecture', 'chain-of-thought');
    const frame = await webviewFrame('h1[data-section-id="chain-of-thought"]');
    await waitForWebviewTheme(frame, 'vscode-high-contrast');
    const violations = await axe(frame, ['color-contrast']);
    assert.deepEqual(violations, [], describeViolations(violations));
  });

  it('lecture panel: keyboard alone reaches the search box, the table of contents and the checks, with a visible focus', async () => {
    await setSetting('workbench.colorTheme', 'Default Light Modern');
    await vscode.commands.executeCommand('llmLab.openLecture', 'gpt1');
    const frame = await webviewFrame('h1[data-section-id="gpt1"]');
    await frame.focus('.section');
    await frame.press('.section', '/');
    assert.equal(await frame.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'search-input');
    await frame.press('[data-testid="search-input"]', 'Escape');
    await frame.press('.section', 'j');
    await waitFor(async () => (await frame.getAttribute('h1[data-section-id]', 'data-section-id')) === 'gpt2', 'j moves to the next section');
    await frame.focus('.toc-item[data-section="gpt2"]');
    const outline = await frame.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.notEqual(outline, 'none', 'focused element has no visible outline');
    const checksFocusable = await frame.$$eval('form.check input, form.check button', (nodes) => nodes.filter((n) => (n as HTMLElement).tabIndex >= 0).length);
    assert.ok(checksFocusable > 0, 'concept checks are not keyboard reachable');
  });
});
