import * as vscode from 'vscode';
import { Config } from '../core/config';
import { Disposable } from '../core/disposable';
import type { Services } from '../core/services';
import type { GlossaryStore } from './glossaryStore';
import type { RegionCache } from './textRegions';

const UPDATE_DELAY_MS = 300;
/** Larger documents are not decorated (a hover still works): the scan would be felt while typing. */
const MAX_DECORATED_LENGTH = 2_000_000;

/** Optional subtle dotted underline under glossary terms in markdown (`llmLab.glossary.underline`). */
export class GlossaryDecorations extends Disposable {
  private decoration: vscode.TextEditorDecorationType | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly services: Services, private readonly store: GlossaryStore, private readonly regions: RegionCache) {
    super();
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (Config.affects(event, 'glossary.underline') || Config.affects(event, 'glossary.hover')) this.apply();
      }),
    );
    this.register(vscode.window.onDidChangeVisibleTextEditors(() => this.schedule(0)));
    this.register(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (this.decoration && event.document.languageId === 'markdown') this.schedule(UPDATE_DELAY_MS);
      }),
    );
    this.register({ dispose: () => this.disable() });
    this.apply();
  }

  private apply(): void {
    if (this.services.config.glossaryUnderline) {
      this.decoration ??= vscode.window.createTextEditorDecorationType({ textDecoration: 'underline dotted', cursor: 'help' });
      this.schedule(0);
    } else {
      this.disable();
    }
  }

  private disable(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.decoration?.dispose();
    this.decoration = undefined;
  }

  private schedule(delay: number): void {
    if (!this.decoration) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.decorateVisible();
    }, delay);
  }

  private decorateVisible(): void {
    const decoration = this.decoration;
    const index = this.store.get();
    if (!decoration || !index) return;
    for (const editor of vscode.window.visibleTextEditors) {
      const { document } = editor;
      if (document.languageId !== 'markdown') continue;
      const { text, ranges } = this.regions.get(document);
      if (text.length > MAX_DECORATED_LENGTH) continue;
      const options: vscode.DecorationOptions[] = [];
      for (const range of ranges) {
        for (const match of index.matcher.findTerms(text, range.start, range.end)) {
          options.push({ range: new vscode.Range(document.positionAt(match.start), document.positionAt(match.end)) });
        }
      }
      editor.setDecorations(decoration, options);
    }
  }
}
