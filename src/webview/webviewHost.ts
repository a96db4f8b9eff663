import * as vscode from 'vscode';
import { Disposable } from '../core/disposable';
import { language } from '../core/l10n';
import { stringsFor } from '../core/language';
import type { Services } from '../core/services';
import { buildWebviewHtml, createNonce } from './html';

/**
 * The one host for LLM Lab's webviews (panels and views alike): options, the HTML shell with its CSP,
 * the ready handshake with a queue (messages posted before the page is listening are delivered once it
 * says `ready`, never dropped), typed post and parse. A capability describes its page in a `PageSpec`
 * and owns its message protocol; it does not build HTML or track readiness itself.
 */
export interface PageSpec<FromPage extends { type: string }> {
  /** The page's bundle: dist/webview/<script>.js */
  script: string;
  /** Style sheets under media/css/. */
  styles: string[];
  title: () => string;
  /** A page policy other than the panel default (built with the same nonce). */
  csp?: (cspSource: string, nonce: string) => string;
  /** Validates what the page posts; undefined = ignored. */
  parse: (raw: unknown) => FromPage | undefined;
  /** Passed to the page as JSON in a data- attribute (never into a script). */
  initialData?: () => unknown;
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
  private ready = false;
  private queue: ToPage[] = [];
  private waiters: Array<() => void> = [];
  private readonly emitter = new vscode.EventEmitter<FromPage>();
  /** Messages from the page, validated; `ready` is handled here and also passed on. */
  readonly onMessage = this.emitter.event;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly services: Services,
    private readonly spec: PageSpec<FromPage>,
  ) {
    super();
    this.register(this.emitter);
    this.register(
      webview.onDidReceiveMessage((raw: unknown) => {
        const message = spec.parse(raw);
        if (!message) return;
        if (message.type === 'ready') this.markReady();
        this.emitter.fire(message);
      }),
    );
  }

  /** (Re)loads the page; messages posted until it says `ready` are queued. */
  render(): void {
    this.ready = false;
    const webview = this.webview;
    const lang = language();
    const extUri = this.services.context.extensionUri;
    const asUri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extUri, ...p)).toString();
    const nonce = createNonce();
    webview.html = buildWebviewHtml({
      cspSource: webview.cspSource,
      title: this.spec.title(),
      lang,
      scriptUri: asUri('dist', 'webview', `${this.spec.script}.js`),
      styleUris: this.spec.styles.map((s) => asUri('media', 'css', s)),
      initialData: { lang, strings: stringsFor(this.services.context.extensionPath, lang), ...(this.spec.initialData?.() as object | undefined) },
      nonce,
      csp: this.spec.csp?.(webview.cspSource, nonce),
    });
  }

  /** Delivers now if the page is listening, else when it is. */
  post(message: ToPage): void {
    if (this.ready) void this.webview.postMessage(message);
    else this.queue.push(message);
  }

  get isReady(): boolean {
    return this.ready;
  }

  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The page's strings in the current language (for a `language` message). */
  strings(): { lang: string; strings: Record<string, string> } {
    const lang = language();
    return { lang, strings: stringsFor(this.services.context.extensionPath, lang) };
  }

  private markReady(): void {
    this.ready = true;
    const queued = this.queue;
    this.queue = [];
    for (const message of queued) void this.webview.postMessage(message);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

