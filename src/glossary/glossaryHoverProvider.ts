import * as vscode from 'vscode';
import { Config } from '../core/config';
import { Disposable } from '../core/disposable';
import { language } from '../core/l10n';
import type { Services } from '../core/services';
import type { GlossaryMatch } from './glossaryMatcher';
import type { GlossaryStore } from './glossaryStore';
import { HOVER_COMMANDS, termMarkdown } from './termMarkdown';
import { RegionCache, rangeAt } from './textRegions';

/** Schemes whose documents are not the reader's text (output channels, the debug console). */
const IGNORED_SCHEMES = new Set(['output', 'debug']);

/** The glossary match under `position`, looking only inside allowed regions and the lines around it. */
export function matchAt(
  document: vscode.TextDocument,
  position: vscode.Position,
  store: GlossaryStore,
  regions: RegionCache,
): GlossaryMatch | undefined {
  const index = store.get();
  if (!index) return undefined;
  const { text, ranges } = regions.get(document);
  const offset = document.offsetAt(position);
  const region = rangeAt(ranges, offset);
  if (!region) return undefined;
  // Neighbouring lines too: a term wrapped across a line break in prose still matches.
  const first = Math.max(0, position.line - 1);
  const last = Math.min(document.lineCount - 1, position.line + 1);
  const from = Math.max(region.start, document.offsetAt(new vscode.Position(first, 0)));
  const to = Math.min(region.end, document.offsetAt(document.lineAt(last).range.end));
  return index.matcher.termAt(text, offset, from, to);
}

export class GlossaryHoverProvider implements vscode.HoverProvider {
  private readonly reported = new Set<string>();

  constructor(
    private readonly services: Services,
    private readonly store: GlossaryStore,
    private readonly regions: RegionCache,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    // No settings read here: GlossaryHoverRegistration unregisters this provider when hovers are off.
    if (IGNORED_SCHEMES.has(document.uri.scheme)) return undefined;
    const match = matchAt(document, position, this.store, this.regions);
    const index = this.store.get();
    const term = match && index?.byId.get(match.termId);
    if (!match || !index || !term) return undefined;
    const markdown = new vscode.MarkdownString(termMarkdown(term, index, language()));
    markdown.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
    if (!this.reported.has(term.id)) {
      // Once per term and session: the progress store writes globalState on every record.
      this.reported.add(term.id);
      this.services.progress.record({ kind: 'termHovered', termId: term.id });
    }
    return new vscode.Hover(markdown, new vscode.Range(document.positionAt(match.start), document.positionAt(match.end)));
  }
}

/** `llmLab.glossary.languages` → a document selector; `*` = every language, `jupyter` = notebook cells. */
export function glossarySelector(languages: readonly string[]): vscode.DocumentFilter[] {
  if (languages.includes('*')) return [{ language: '*' }];
  return [...new Set(languages)].map((id) => (id === 'jupyter' ? { notebookType: 'jupyter-notebook' } : { language: id }));
}

/**
 * Keeps one hover registration in line with the settings: registered for `llmLab.glossary.languages`,
 * re-registered when that changes, absent while `llmLab.glossary.hover` is false.
 */
export class GlossaryHoverRegistration extends Disposable {
  private registration: vscode.Disposable | undefined;
  private readonly provider: GlossaryHoverProvider;

  constructor(private readonly services: Services, store: GlossaryStore, regions: RegionCache) {
    super();
    this.provider = new GlossaryHoverProvider(services, store, regions);
    this.update();
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (Config.affects(event, 'glossary.hover') || Config.affects(event, 'glossary.languages')) this.update();
      }),
    );
    this.register({ dispose: () => this.registration?.dispose() });
  }

  private update(): void {
    this.registration?.dispose();
    this.registration = undefined;
    const { config } = this.services;
    if (!config.glossaryHover) return;
    const selector = glossarySelector(config.glossaryLanguages);
    if (selector.length) this.registration = vscode.languages.registerHoverProvider(selector, this.provider);
  }
}
