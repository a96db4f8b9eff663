import * as vscode from 'vscode';
import type { Command } from '../core/commands';
import { Disposable } from '../core/disposable';
import { language, t } from '../core/l10n';
import type { GlossaryStore } from './glossaryStore';
import type { GlossaryTerm } from './glossaryTypes';
import { HOVER_COMMANDS, otherLang, termMarkdown } from './termMarkdown';

export type GlossaryGrouping = 'alpha' | 'part';

const GROUPING_KEY = 'llmLab.glossaryGrouping';
const UNASSIGNED = '';

type Node = { kind: 'part'; partId: string } | { kind: 'term'; term: GlossaryTerm; partId?: string };

/** The `llmLab.glossary` view: every term A–Z, or grouped by lecture part. Clicking a term opens its section. */
export class GlossaryTree extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this.register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private grouping: GlossaryGrouping;

  constructor(private readonly store: GlossaryStore, private readonly memento: vscode.Memento) {
    super();
    this.grouping = memento.get<GlossaryGrouping>(GROUPING_KEY) === 'part' ? 'part' : 'alpha';
    void vscode.commands.executeCommand('setContext', GROUPING_KEY, this.grouping);
    this.register(vscode.window.createTreeView('llmLab.glossary', { treeDataProvider: this, showCollapseAll: true }));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  setGrouping(grouping: GlossaryGrouping): void {
    this.grouping = grouping;
    void this.memento.update(GROUPING_KEY, grouping);
    void vscode.commands.executeCommand('setContext', GROUPING_KEY, grouping);
    this.refresh();
  }

  getChildren(node?: Node): Node[] {
    const index = this.store.get();
    if (!index) return [];
    const lang = language();
    if (!node) {
      if (this.grouping === 'alpha') return index.sorted(lang).map((term) => ({ kind: 'term', term }));
      const parts: Node[] = index.data.parts.filter((p) => p.sections.length).map((p) => ({ kind: 'part', partId: p.id }));
      if (index.termsWithoutPart().length) parts.push({ kind: 'part', partId: UNASSIGNED });
      return parts;
    }
    if (node.kind === 'part') {
      const terms = node.partId === UNASSIGNED ? index.termsWithoutPart() : index.termsOfPart(node.partId, lang);
      return terms.map((term) => ({ kind: 'term', term, partId: node.partId }));
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const lang = language();
    if (node.kind === 'part') {
      const part = this.store.get()?.data.parts.find((p) => p.id === node.partId);
      const item = new vscode.TreeItem(part ? part.title[lang] : t('Other terms'), vscode.TreeItemCollapsibleState.Expanded);
      item.id = `part:${node.partId}`;
      item.iconPath = new vscode.ThemeIcon('book');
      item.contextValue = 'glossaryPart';
      return item;
    }
    const { term } = node;
    const item = new vscode.TreeItem(term[lang].term, vscode.TreeItemCollapsibleState.None);
    item.id = node.partId === undefined ? `term:${term.id}` : `part:${node.partId}:term:${term.id}`;
    const other = term[otherLang(lang)].term;
    if (other !== term[lang].term) item.description = other;
    item.iconPath = new vscode.ThemeIcon('symbol-key');
    item.contextValue = 'glossaryTerm';
    item.command = { command: 'llmLab.lookUpTerm', title: t('Open in lecture →'), arguments: [term.id] };
    return item;
  }

  async resolveTreeItem(item: vscode.TreeItem, node: Node): Promise<vscode.TreeItem> {
    const index = this.store.get();
    if (node.kind === 'term' && index) {
      const tooltip = new vscode.MarkdownString(termMarkdown(node.term, index, language()));
      tooltip.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
      item.tooltip = tooltip;
    }
    return item;
  }
}

/** View-title commands that switch the grouping (shown only for the other grouping). */
export function glossaryGroupingCommands(tree: GlossaryTree): Command[] {
  return [
    { id: 'llmLab.showGlossaryByPart', run: () => tree.setGrouping('part') },
    { id: 'llmLab.showGlossaryAlphabetically', run: () => tree.setGrouping('alpha') },
  ];
}
