import * as vscode from 'vscode';
import { Disposable } from '../core/disposable';
import { language, t } from '../core/l10n';
import { stringsFor } from '../core/language';
import type { Services } from '../core/services';
import { buildWebviewHtml } from '../webview/html';
import type { FromTokenizerWebview, ToTokenizerWebview } from '../webview/tokenizerMessages';
import { isWidgetRequestEnvelope } from '../webview/widgetMessages';
import type { EncodingName } from './tokenizerInfo';
import { handleWidgetEnvelope, type WidgetRequestDeps } from './widgetRequestHandler';

export const TOKENIZER_VIEW_TYPE = 'llmLab.tokenizer';

/** A small panel beside the editor with the tokenizer widget (opened by llmLab.tokenize). */
export class TokenizerPanel extends Disposable {
  private static current: TokenizerPanel | undefined;

  static show(services: Services, deps: WidgetRequestDeps, text: string, encoding: EncodingName): TokenizerPanel {
    // Seeing tokens is what the walkthrough's "tokens" step asks for (also when it ran before the walkthrough existed).
    services.progress.record({ kind: 'widgetUsed', widgetId: 'tokenizer' });
    if (TokenizerPanel.current) {
      TokenizerPanel.current.panel.reveal(undefined, true);
      TokenizerPanel.current.post({ type: 'show', text, encoding });
      return TokenizerPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      TOKENIZER_VIEW_TYPE,
      t('LLM Lab: Tokenizer'),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      TokenizerPanel.options(services),
    );
    TokenizerPanel.current = new TokenizerPanel(panel, services, deps, text, encoding);
    return TokenizerPanel.current;
  }

  /** Restores a panel after a reload (the webview keeps its own text in its state). */
  static revive(panel: vscode.WebviewPanel, services: Services, deps: WidgetRequestDeps): void {
    panel.webview.options = TokenizerPanel.options(services);
    TokenizerPanel.current?.dispose();
    TokenizerPanel.current = new TokenizerPanel(panel, services, deps, '', 'cl100k_base');
  }

  /** Re-renders in the current language; the page keeps the reader's text and encoding in its own state. */
  static refresh(): void {
    const current = TokenizerPanel.current;
    if (!current) return;
    current.panel.title = t('LLM Lab: Tokenizer');
    // A visible page re-labels itself (no reload); a hidden one is rebuilt from this HTML when shown again.
    if (current.panel.visible) {
      const lang = language();
      current.post({ type: 'language', lang, strings: stringsFor(current.services.context.extensionPath, lang) });
      current.htmlLang = undefined; // the page is relabelled, its HTML is not: rebuilt once hidden (below)
    } else {
      current.render('', 'cl100k_base');
    }
  }

  static get instance(): TokenizerPanel | undefined {
    return TokenizerPanel.current;
  }

  private static options(services: Services): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    const root = services.context.extensionUri;
    return {
      enableScripts: true,
      enableCommandUris: false,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(root, 'media'), vscode.Uri.joinPath(root, 'dist')],
    };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: Services,
    private readonly deps: WidgetRequestDeps,
    text: string,
    encoding: EncodingName,
  ) {
    super();
    panel.iconPath = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'images', 'activity-icon.svg');
    this.register(panel.onDidDispose(() => this.dispose()));
    // A hidden page is rebuilt from its HTML when shown again: keep that HTML in the current language.
    this.register(panel.onDidChangeViewState(() => {
      if (!panel.visible && this.htmlLang !== language()) this.render('', 'cl100k_base');
    }));
    this.register(panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)));
    this.render(text, encoding);
  }

  override dispose(): void {
    if (TokenizerPanel.current === this) TokenizerPanel.current = undefined;
    super.dispose();
    this.panel.dispose();
  }

  /** The language of the HTML last given to the webview. */
  private htmlLang: string | undefined;

  private render(text: string, encoding: EncodingName): void {
    const webview = this.panel.webview;
    const lang = language();
    this.htmlLang = lang;
    const extUri = this.services.context.extensionUri;
    const asUri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extUri, ...p)).toString();
    webview.html = buildWebviewHtml({
      cspSource: webview.cspSource,
      title: t('LLM Lab: Tokenizer'),
      lang,
      scriptUri: asUri('dist', 'webview', 'tokenizer.js'),
      styleUris: [asUri('media', 'css', 'base.css'), asUri('media', 'css', 'widgets.css')],
      initialData: { lang, strings: stringsFor(this.services.context.extensionPath, lang), text, encoding },
    });
  }

  private post(message: ToTokenizerWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (isWidgetRequestEnvelope(raw)) {
      this.post(await handleWidgetEnvelope(raw, this.deps));
      return;
    }
    const message = raw as FromTokenizerWebview | undefined;
    if (message?.type === 'widgetUsed') this.services.progress.record({ kind: 'widgetUsed', widgetId: 'tokenizer' });
  }
}
