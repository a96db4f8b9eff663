import * as vscode from 'vscode';
import { language, t } from '../core/l10n';
import { sectionPassed } from '../core/progressModel';
import type { ProgressStore } from '../core/progressStore';
import type { LectureContent } from './lectureContent';

type Node = { kind: 'part'; id: string; title: string } | { kind: 'section'; id: string; title: string; order: number; summary: string };

/** `llmLab.lecture`: parts and sections, ✓ read and ★ passed. */
export class LectureTreeProvider implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly content: LectureContent, private readonly progress: ProgressStore) {}

  refresh(): void {
    this.changed.fire();
  }

  getChildren(node?: Node): Node[] {
    const lecture = this.content.lecture(language());
    if (!node) return lecture.parts.map((p) => ({ kind: 'part', id: p.id, title: p.title }));
    if (node.kind === 'part') {
      return lecture.sections
        .filter((s) => s.part === node.id)
        .map((s) => ({ kind: 'section', id: s.id, title: s.title, order: s.order, summary: s.summary }));
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'part') {
      const item = new vscode.TreeItem(node.title, vscode.TreeItemCollapsibleState.Expanded);
      item.id = node.id;
      item.contextValue = 'part';
      return item;
    }
    const state = this.progress.current;
    const passed = sectionPassed(state, node.id, this.content.questions(language()));
    const read = Boolean(state.sections[node.id]);
    const item = new vscode.TreeItem(`${node.order}. ${node.title}`, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.tooltip = node.summary;
    item.description = passed ? `★ ${t('passed')}` : read ? `✓ ${t('read')}` : undefined;
    item.iconPath = new vscode.ThemeIcon(passed ? 'star-full' : read ? 'pass' : 'circle-large-outline');
    item.contextValue = 'section';
    item.command = { command: 'llmLab.openLecture', title: t('Open Lecture'), arguments: [node.id] };
    return item;
  }
}
