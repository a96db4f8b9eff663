import { t } from '../core/l10n';
import type { Services } from '../core/services';
import { PanelHost, type PanelPage, type PanelProvider } from '../webview/panelHost';
import { answerRequest } from '../webview/protocol';
import type { WebviewHost } from '../webview/webviewHost';
import { parseFromTokenizerPage, type FromTokenizerPage, type ToTokenizerPage } from './tokenizerMessages';
import { DEFAULT_ENCODING, type EncodingName } from './tokenizerInfo';
import type { WidgetRequestHandler } from './widgetRequestHandler';

export const TOKENIZER_VIEW_TYPE = 'llmLab.tokenizer';

const PAGE: PanelPage<FromTokenizerPage> = {
  viewType: TOKENIZER_VIEW_TYPE,
  script: 'tokenizer',
  styles: ['base.css', 'widgets.css'],
  title: () => t('LLM Lab: Tokenizer'),
  parse: parseFromTokenizerPage,
};

/** A small panel beside the editor with the tokenizer widget (opened by llmLab.tokenize). */
export class TokenizerPanel implements PanelProvider<ToTokenizerPage, FromTokenizerPage> {
  /** What the panel was opened with; a revived panel has '' (its page keeps the reader's own text). */
  private shown: { text: string; encoding: EncodingName } = { text: '', encoding: DEFAULT_ENCODING };

  constructor(
    private readonly page: WebviewHost<ToTokenizerPage, FromTokenizerPage>,
    private readonly services: Services,
    private readonly widgets: WidgetRequestHandler,
  ) {}

  init(): ToTokenizerPage {
    return { type: 'init', init: { ...this.page.strings(), ...this.shown } };
  }

  show(text: string, encoding: EncodingName, created: boolean): void {
    this.shown = { text, encoding };
    // A new page gets the text in its init; an open one (or one being rebuilt) is told.
    if (!created) this.page.post({ type: 'show', text, encoding });
  }

  async onMessage(message: FromTokenizerPage): Promise<void> {
    switch (message.type) {
      case 'request':
        this.page.postState(await answerRequest(message, this.widgets));
        return;
      case 'widgetUsed':
        this.services.progress.record({ kind: 'widgetUsed', widgetId: 'tokenizer' });
        return;
      case 'ready':
        return;
    }
  }
}

export type TokenizerPanels = PanelHost<ToTokenizerPage, FromTokenizerPage, TokenizerPanel>;

/** The tokenizer panel's host (serializer, language, disposal); `show` opens it beside the editor. */
export function createTokenizerPanels(services: Services, widgets: WidgetRequestHandler): { panels: TokenizerPanels; show(text: string, encoding: EncodingName): void } {
  const panels: TokenizerPanels = new PanelHost(services, PAGE, (page) => new TokenizerPanel(page, services, widgets));
  return {
    panels,
    show(text, encoding) {
      // Seeing tokens is what the walkthrough's "tokens" step asks for (also when it ran before the walkthrough existed).
      services.progress.record({ kind: 'widgetUsed', widgetId: 'tokenizer' });
      const { provider, created } = panels.show({ beside: true, preserveFocus: true });
      provider.show(text, encoding, created);
    },
  };
}
