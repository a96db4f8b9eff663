import * as vscode from 'vscode';
import { t } from '../core/l10n';
import type { DemoController } from './demoController';

export type DemoTreeNode = { kind: 'part'; id: string; title: string } | { kind: 'demo'; id: string; title: string; summary: string; builtin: boolean };

/** `llmLab.demos`: demos grouped by lecture part; a click opens the playground, the inline button runs it. */
export class DemoTreeProvider implements vscode.TreeDataProvider<DemoTreeNode> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly controller: DemoController) {}

  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  getChildren(node?: DemoTreeNode): DemoTreeNode[] {
    const demos = this.controller.demoList();
    if (!node) {
      const parts: DemoTreeNode[] = [];
      for (const d of demos) if (!parts.some((p) => p.id === d.part)) parts.push({ kind: 'part', id: d.part, title: d.partTitle });
      return parts;
    }
    if (node.kind !== 'part') return [];
    return demos.filter((d) => d.part === node.id).map((d) => ({ kind: 'demo', id: d.id, title: d.title, summary: d.summary, builtin: d.builtin }));
  }

  getTreeItem(node: DemoTreeNode): vscode.TreeItem {
    if (node.kind === 'part') {
      const item = new vscode.TreeItem(node.title || t('Other demos'), vscode.TreeItemCollapsibleState.Expanded);
      item.id = `part:${node.id}`;
      item.contextValue = 'demoPart';
      return item;
    }
    const item = new vscode.TreeItem(node.title, vscode.TreeItemCollapsibleState.None);
    item.id = `demo:${node.id}`;
    item.contextValue = 'demo';
    item.description = node.builtin ? t('works offline') : undefined;
    item.tooltip = new vscode.MarkdownString(`**${node.title}**\n\n${node.summary}`);
    item.iconPath = new vscode.ThemeIcon('beaker');
    item.command = { command: 'llmLab.openPlayground', title: t('Open in the Playground'), arguments: [node.id] };
    item.accessibilityInformation = { label: t('Demo: {0}. {1}', node.title, node.summary) };
    return item;
  }
}
