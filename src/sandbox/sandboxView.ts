import * as vscode from 'vscode';
import { Disposable } from '../core/disposable';
import { t } from '../core/l10n';
import type { Services } from '../core/services';
import { WebviewHost, webviewOptions } from '../webview/webviewHost';
import { readRuntimeFiles } from './runtimeFiles';
import { parseFromSandboxPage, type ConsentAnswer, type ConsentRequest, type FromSandboxPage, type SandboxLanguage, type SandboxLimits, type SandboxRunResult, type ToSandboxPage } from './sandboxMessages';
import { SANDBOX_LIMITS, sandboxCsp } from './sandboxPolicy';

export const SANDBOX_VIEW_ID = 'llmLab.sandbox';

/** How long past its own limits a run may go unanswered before the extension gives up on the page. */
const PAGE_GRACE_MS = 5000;
/** A cancelled run that the page has not confirmed by then is reported cancelled anyway. */
const CANCEL_GRACE_MS = 500;

const CANCELLED: SandboxRunResult = { end: 'cancelled', stdout: '', stderr: '', durationMs: 0, startMs: 0 };

interface PendingRun {
  resolve: (result: SandboxRunResult) => void;
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

/**
 * The Program Sandbox view (bottom panel): where a model-written program is shown in full before it runs
 * and where it runs, in a WebAssembly interpreter inside a Web Worker of this webview (see
 * src/webview-ui/sandbox/worker.ts for why there). This class is the extension's side: it opens the view,
 * hands the page the interpreter files, asks, runs, cancels, and never trusts what the page says beyond
 * its validated shape (parseFromSandboxPage).
 */
export class SandboxView extends Disposable implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private host: WebviewHost<ToSandboxPage, FromSandboxPage> | undefined;
  private resolved: Array<() => void> = [];
  private runs = new Map<string, PendingRun>();
  private asks = new Map<string, (answer: ConsentAnswer) => void>();
  private counter = 0;

  constructor(
    private readonly services: Services,
    readonly limits: SandboxLimits = SANDBOX_LIMITS,
  ) {
    super();
    this.register(vscode.window.registerWebviewViewProvider(SANDBOX_VIEW_ID, this, { webviewOptions: { retainContextWhenHidden: true } }));
    this.register(services.language.onDidChangeLanguage(() => void this.host?.reinit()));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.services);
    const host: WebviewHost<ToSandboxPage, FromSandboxPage> = new WebviewHost<ToSandboxPage, FromSandboxPage>(view.webview, this.services, {
      script: 'sandbox',
      styles: ['base.css', 'sandbox.css'],
      title: () => t('Program Sandbox'),
      csp: sandboxCsp,
      parse: parseFromSandboxPage,
      // On every load (also after "Developer: Reload Webviews"), before anything queued; again on a language change.
      init: () => ({ type: 'init', ...host.strings(), limits: this.limits }),
    });
    this.host = host;
    host.onMessage((message) => void this.onMessage(message));
    view.onDidDispose(() => {
      if (this.host === host) {
        this.host = undefined;
        this.view = undefined;
      }
      host.dispose();
      // The page and its workers are gone: whatever was running or waiting ends now.
      for (const run of [...this.runs.values()]) run.resolve({ ...CANCELLED, stderr: t('The sandbox panel was closed.') });
      for (const answer of [...this.asks.values()]) answer('decline');
      this.runs.clear();
      this.asks.clear();
    });
    host.render();
    const waiting = this.resolved;
    this.resolved = [];
    waiting.forEach((wake) => wake());
  }

  /** Shows the view (opening the bottom panel if needed) and waits until its page listens. */
  private async open(preserveFocus: boolean): Promise<WebviewHost<ToSandboxPage, FromSandboxPage>> {
    if (this.view && this.host) {
      if (!this.view.visible) this.view.show(preserveFocus);
    } else {
      const resolved = new Promise<void>((resolve) => this.resolved.push(resolve));
      await vscode.commands.executeCommand(`${SANDBOX_VIEW_ID}.focus`, { preserveFocus });
      await resolved;
    }
    const host = this.host!;
    await host.whenReady();
    return host;
  }

  /** Starts an interpreter ahead of need (a PAL demo calls this while the model is still writing). */
  async warm(language: SandboxLanguage): Promise<void> {
    const host = await this.open(true);
    host.post({ type: 'warm', language });
  }

  /** Shows the whole program and asks; a cancelled demo withdraws its question (answer: decline). */
  async ask(request: Omit<ConsentRequest, 'id'>, signal?: AbortSignal): Promise<ConsentAnswer> {
    if (signal?.aborted) return 'decline';
    const host = await this.open(false);
    const id = `a${++this.counter}`;
    return new Promise<ConsentAnswer>((resolve) => {
      const onAbort = () => {
        host.post({ type: 'withdraw', id });
        finish('decline');
      };
      const finish = (answer: ConsentAnswer) => {
        this.asks.delete(id);
        signal?.removeEventListener('abort', onAbort);
        resolve(answer);
      };
      this.asks.set(id, finish);
      signal?.addEventListener('abort', onAbort, { once: true });
      host.post({ type: 'ask', request: { ...request, id } });
    });
  }

  /** Runs a program in the sandbox page; never throws. */
  async run(language: SandboxLanguage, program: string, label: string, signal?: AbortSignal, onOutput?: PendingRun['onOutput']): Promise<SandboxRunResult> {
    if (signal?.aborted) return { ...CANCELLED };
    const host = await this.open(true);
    if (signal?.aborted) return { ...CANCELLED };
    const id = `r${++this.counter}`;
    const limits = this.limits;
    return new Promise<SandboxRunResult>((resolve) => {
      let settled = false;
      const finish = (result: SandboxRunResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(ceiling);
        signal?.removeEventListener('abort', onAbort);
        this.runs.delete(id);
        resolve(result);
      };
      const onAbort = () => {
        host.post({ type: 'cancel', id });
        setTimeout(() => finish({ ...CANCELLED }), CANCEL_GRACE_MS);
      };
      // The page enforces the limits; this only catches a page that stopped answering altogether.
      const ceiling = setTimeout(() => {
        host.post({ type: 'cancel', id });
        finish({ end: 'crashed', stdout: '', stderr: t('The sandbox did not answer in time.'), durationMs: 0, startMs: 0 });
      }, limits.startLimitMs + limits.timeLimitMs + PAGE_GRACE_MS);
      this.runs.set(id, { resolve: finish, onOutput });
      signal?.addEventListener('abort', onAbort, { once: true });
      host.post({ type: 'run', id, language, program, label, limits });
    });
  }

  private async onMessage(message: FromSandboxPage): Promise<void> {
    switch (message.type) {
      case 'ready':
        // Its init (labels and limits) went out first: see the host's spec above.
        return;
      case 'log':
        this.services.log.info(`sandbox: ${message.text}`);
        return;
      case 'needRuntime':
        try {
          const started = Date.now();
          const files = await readRuntimeFiles(this.services.context.extensionPath, message.language, this.limits.memoryLimitBytes);
          this.host?.post({ type: 'runtime', language: message.language, files });
          this.services.log.info(`sandbox: ${message.language} interpreter files sent to the page (${Date.now() - started} ms)`);
        } catch (error) {
          this.services.log.error(`sandbox: could not read the ${message.language} runtime: ${String(error)}`);
        }
        return;
      case 'answer':
        this.asks.get(message.id)?.(message.answer);
        return;
      case 'output':
        this.runs.get(message.id)?.onOutput?.(message.stream, message.text);
        return;
      case 'done':
        this.runs.get(message.id)?.resolve(message.result);
        return;
    }
  }
}
