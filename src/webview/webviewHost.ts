import * as vscode from 'vscode';
import { Disposable } from '../core/disposable';
import { language, type Lang } from '../core/l10n';
import { stringsFor } from '../core/language';
import type { Services } from '../core/services';
import { buildWebviewHtml, createNonce } from './html';
import { pageAssetText } from './pageAssets';
import { PageChannel } from './pageChannel';

/**
 * The one host for LLM Lab's webviews (panels and views alike): options, the HTML shell with its CSP,
 * the ready handshake with a queue (messages posted before the page is listening are delivered once it
 * says `ready`, never dropped; or, for state the page's init carries, dropped: postState), typed post and
 * parse, and the page's init sent on every load. A capability describes its page in a `PageSpec` and owns
 * its message protocol; it does not build HTML or track readiness itself. Editor panels add PanelHost
 * (panelHost.ts) on top: create/reveal/revive, icon, title, language.
 */
export interface PageSpec<FromPage extends { type: string }, ToPage = never> {
  /** The page's bundle: dist/webview/<script>.js */
  script: string;
  /** Style sheets under media/css/ ('base.css'), or a path from the extension's root ('dist/content/figures.css'). */
  styles: string[];
  title: () => string;
  /** A page policy other than the panel default (built with the same nonce). */
  csp?: (cspSource: string, nonce: string) => string;
  /** Validates what the page posts; undefined = ignored. */
  parse: (raw: unknown) => FromPage | undefined;
  /**
   * Everything the page needs to show itself, in the current language: posted each time the page says
   * `ready` (first load, and again whenever the webview reloads it), before any queued message.
   */
  init?: () => ToPage | Promise<ToPage>;
}

/** Options every LLM Lab webview uses: scripts on, command links off, only media/ and dist/ readable. */
export function webviewOptions(services: Services): vscode.WebviewOptions {
  const root = services.context.extensionUri;
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(root, 'media'), vscode.Uri.joinPath(root, 'dist')],
  };
}

export class WebviewHost<ToPage, FromPage extends { type: string }> extends Disposable {
  private readonly channel: PageChannel<ToPage>;
  private readonly emitter = new vscode.EventEmitter<FromPage>();
  /** Messages from the page, validated; `ready` is handled here (init, queue) and then passed on. */
  readonly onMessage = this.emitter.event;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly services: Services,
    private readonly spec: PageSpec<FromPage, ToPage>,
  ) {
    super();
    this.channel = new PageChannel<ToPage>(
      // A page closed meanwhile rejects; nothing is waiting for it.
      (message) => void webview.postMessage(message).then(undefined, () => undefined),
      spec.init,
      (error) => services.log.error(`${spec.script} page: its init failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.register(this.emitter);
    this.register(
      webview.onDidReceiveMessage((raw: unknown) => {
        const message = spec.parse(raw);
        if (!message) {
          services.log.warn(`${spec.script} page: ignored an unknown or malformed message ${JSON.stringify(raw)?.slice(0, 200)}`);
          return;
        }
        if (message.type !== 'ready') this.emitter.fire(message);
        else void this.channel.pageReady().then((listening) => listening && this.emitter.fire(message));
      }),
    );
  }

  /** (Re)loads the page; messages posted until it says `ready` are queued. */
  render(): void {
    this.channel.pageGone();
    const webview = this.webview;
    const lang = language();
    const extensionPath = this.services.context.extensionPath;
    const nonce = createNonce();
    webview.html = buildWebviewHtml({
      cspSource: webview.cspSource,
      title: this.spec.title(),
      lang,
      // Inlined, not loaded from resource URIs: see pageAssets.ts.
      script: { text: pageAssetText(extensionPath, `dist/webview/${this.spec.script}.js`) },
      styles: this.spec.styles.map((s) => ({ text: pageAssetText(extensionPath, s.includes('/') ? s : `media/css/${s}`) })),
      // Pages start from their init message (one way for all), not from data in the HTML.
      initialData: null,
      nonce,
      csp: this.spec.csp?.(webview.cspSource, nonce),
    });
  }

  /** Delivers now if the page is listening, else when it is (after its init). */
  post(message: ToPage): void {
    this.channel.post(message);
  }

  /**
   * For a change the page's init already carries (a streamed update, new progress): sent to a listening
   * page, dropped otherwise, since a page that loads later gets it in its init (queued, it would arrive twice).
   */
  postState(message: ToPage): void {
    this.channel.postState(message);
  }

  /** The page is gone (a panel hidden without retainContextWhenHidden): queue until a page says `ready` again. */
  pageGone(): void {
    this.channel.pageGone();
  }

  /** Sends a listening page its init again (the language changed: the page re-labels itself in place). */
  reinit(): Promise<void> {
    return this.channel.reinit();
  }

  /** A URI the page may load (under media/ or dist/, see webviewOptions). */
  resourceUri(...segments: string[]): string {
    return this.webview.asWebviewUri(vscode.Uri.joinPath(this.services.context.extensionUri, ...segments)).toString();
  }

  get isReady(): boolean {
    return this.channel.isReady;
  }

  whenReady(): Promise<void> {
    return this.channel.whenReady();
  }

  /** The page's language and strings (for its init). */
  strings(): { lang: Lang; strings: Record<string, string> } {
    const lang = language();
    return { lang, strings: stringsFor(this.services.context.extensionPath, lang) };
  }
}
