import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, setSetting } from './support/host';

const opened: vscode.TextDocument[] = [];

async function hoverAt(content: string, needle: string): Promise<string | undefined> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  opened.push(document);
  const position = document.positionAt(content.indexOf(needle) + 1);
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position)) ?? [];
  return hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).find((v) => v.includes('LLM Lab'));
}

describe('glossary hovers in Chinese', () => {
  // Set explicitly: the test host's display language does not always reach the extension host.
  before(async () => {
    await activateExtension();
    await setSetting('llmLab.language', 'zh-cn');
  });

  after(async () => {
    await setSetting('llmLab.language', undefined);
    for (const document of opened.splice(0)) {
      if (document.isClosed) continue;
      await vscode.window.showTextDocument(document, { preview: false });
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('shows the Chinese name first, the Chinese definition and Chinese labels', async () => {
    // setSetting returns once the extension host has the new language (it used to race the first hover).
    const hover = (await hoverAt('我们用 RLHF 对齐模型。', 'RLHF')) ?? '';
    assert.match(hover, /^\*\*基于人类反馈的强化学习/);
    assert.match(hover, /\*\* · Reinforcement learning from human feedback/);
    assert.match(hover, /有监督微调/);
    assert.match(hover, /在讲义中打开/);
    assert.match(hover, /LLM Lab 术语表/);
  });

  it('llmLab.lookUpTerm still resolves a term id', async () => {
    assert.deepEqual(await vscode.commands.executeCommand('llmLab.lookUpTerm', 'reward-model'), { id: 'reward-model', section: 'rlhf-reward-model' });
  });
});
