import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension } from './support/host';

async function hoverAt(content: string, needle: string): Promise<string | undefined> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  const position = document.positionAt(content.indexOf(needle) + 1);
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position)) ?? [];
  return hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).find((v) => v.includes('LLM Lab'));
}

describe('glossary hovers in a Chinese VS Code', () => {
  before(() => activateExtension());

  it('shows the Chinese name first, the Chinese definition and Chinese labels', async () => {
    const hover = await hoverAt('我们用 RLHF 对齐模型。', 'RLHF');
    assert.ok(hover, 'no glossary hover on RLHF');
    assert.ok(hover.startsWith('**基于人类反馈的强化学习（RLHF）**'), hover.split('\n')[0]);
    assert.match(hover, /有监督微调/);
    assert.match(hover, /在讲义中打开/);
    assert.match(hover, /LLM Lab 术语表/);
  });

  it('llmLab.lookUpTerm still resolves a term id', async () => {
    assert.deepEqual(await vscode.commands.executeCommand('llmLab.lookUpTerm', 'reward-model'), { id: 'reward-model', section: 'rlhf-reward-model' });
  });
});
