import * as vscode from 'vscode';
import { Disposable } from '../core/disposable';
import { language } from '../core/l10n';
import type { Services } from '../core/services';
import { WebviewHost, webviewOptions, type PageSpec } from './webviewHost';

/** A panel's page: what WebviewHost needs (minus init, which the provider gives) and its view type. */
export interface PanelPage<FromPage extends { type: string }> extends Omit<PageSpec<FromPage>, 'init'> {
  /** Also the serializer's id (package.json "onWebviewPanel:…"). */
  viewType: string;
}

/**
 * A capability's side of one editor panel: its state and its answers to the page. It talks to the page
 * through the WebviewHost it is given (post / postState); PanelHost does everything else.
 */
export interface PanelProvider<ToPage, FromPage extends { type: string }> {
  /**
   * All the page needs to show itself, in the current language: sent whenever the page loads (first
   * time, and each time the webview rebuilds it) and, to a visible page, when the language changes:
   * pages apply an init in place.
   */
  init(): ToPage | Promise<ToPage>;
  /** A validated message from the page (`ready` included, after its init went out). */
  onMessage(message: FromPage): void | Promise<void>;
  /** The panel closed. */
  dispose?(): void;
}

export interface ShowOptions {
  /** Next to the active editor (selection commands, prompt files, the tokenizer) instead of in its place. */
  beside?: boolean;
  preserveFocus?: boolean;
}

interface OpenPanel<ToPage, FromPage extends { type: string }, P> {
  panel: vscode.WebviewPanel;
  host: WebviewHost<ToPage, FromPage>;
  provider: P;
  /** Rebuilds the page's HTML in the current language (title too). */
  render(): void;
}

/**
 * The one editor panel of a kind (lecture, playground, tokenizer, …), on top of WebviewHost: creates or
 * reveals it, revives it after a reload (serializer), sets its icon and title, disposes it, and keeps it in
 * the reader's language. A language change re-labels a visible page in place (its init again: no reload,
 * which in code-server could leave a visible webview blank) and rebuilds a hidden page's HTML, which the
 * webview loads when it is shown again. Pages are not kept alive when hidden (retainContextWhenHidden is
 * off): the page says `ready` again when shown and gets a fresh init.
 */
export class PanelHost<ToPage, FromPage extends { type: string }, P extends PanelProvider<ToPage, FromPage>> extends Disposable {
  private open: OpenPanel<ToPage, FromPage, P> | undefined;

  constructor(
    private readonly services: Services,
    private readonly page: PanelPage<FromPage>,
    /** Makes the provider of a new or revived panel; `state` is what its page saved (vscode.setState), if revived. */
    private readonly create: (host: WebviewHost<ToPage, FromPage>, state: unknown) => P,
  ) {
    super();
    this.register(
      vscode.window.registerWebviewPanelSerializer(page.viewType, {
        deserializeWebviewPanel: async (panel, state) => {
          this.adopt(panel, state);
        },
      }),
    );
    this.register(services.language.onDidChangeLanguage(() => this.languageChanged()));
    this.register({ dispose: () => this.open?.panel.dispose() });
  }

  /** The open panel's provider, if there is a panel. */
  get current(): P | undefined {
    return this.open?.provider;
  }

  /** The open panel (for tests). */
  get panel(): vscode.WebviewPanel | undefined {
    return this.open?.panel;
  }

  /** Reveals the panel, or creates it; `created` says which (a new provider already has what `state` gave it). */
  show(options: ShowOptions = {}, state?: unknown): { provider: P; created: boolean } {
    const preserveFocus = options.preserveFocus ?? options.beside ?? false;
    if (this.open) {
      this.open.panel.reveal(undefined, preserveFocus);
      return { provider: this.open.provider, created: false };
    }
    const panel = vscode.window.createWebviewPanel(
      this.page.viewType,
      this.page.title(),
      { viewColumn: options.beside ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active, preserveFocus },
      { ...webviewOptions(this.services), retainContextWhenHidden: false },
    );
    return { provider: this.adopt(panel, state), created: true };
  }

  private adopt(panel: vscode.WebviewPanel, state: unknown): P {
    this.open?.panel.dispose();
    panel.webview.options = webviewOptions(this.services);
    panel.iconPath = vscode.Uri.joinPath(this.services.context.extensionUri, 'media', 'images', 'activity-icon.svg');
    // The page asks for its init only once it has loaded, by when the provider exists.
    const host = new WebviewHost<ToPage, FromPage>(panel.webview, this.services, { ...this.page, init: () => provider.init() });
    const provider = this.create(host, state);
    /** The language of the HTML the webview has: a hidden page is rebuilt from it when shown again. */
    let htmlLang = language();
    const render = () => {
      htmlLang = language();
      panel.title = this.page.title();
      host.render();
    };
    const open: OpenPanel<ToPage, FromPage, P> = { panel, host, provider, render };
    this.open = open;
    const owned: vscode.Disposable[] = [
      host,
      host.onMessage((message) => void this.deliver(open, message)),
      panel.onDidChangeViewState(() => {
        if (panel.visible) return;
        host.pageGone();
        if (htmlLang !== language()) render();
      }),
    ];
    owned.push(
      panel.onDidDispose(() => {
        if (this.open === open) this.open = undefined;
        for (const item of owned) item.dispose();
        open.provider.dispose?.();
      }),
    );
    render();
    return provider;
  }

  private async deliver(open: OpenPanel<ToPage, FromPage, P>, message: FromPage): Promise<void> {
    try {
      await open.provider.onMessage(message);
    } catch (error) {
      this.services.log.error(error instanceof Error ? error : String(error));
    }
  }

  private languageChanged(): void {
    const open = this.open;
    if (!open) return;
    open.panel.title = this.page.title();
    if (open.panel.visible) {
      // Its HTML stays in the old language until the panel is hidden (then rebuilt, above).
      void open.host.reinit();
    } else {
      open.render();
    }
  }
}
