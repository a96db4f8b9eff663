import * as vscode from 'vscode';
import { Config } from '../core/config';
import { Disposable } from '../core/disposable';
import { language, t } from '../core/l10n';
import { stringsFor } from '../core/language';
import type { Services } from '../core/services';
import { buildWebviewHtml } from '../webview/html';
import { parseFromPlaygroundWebview, type DemoView, type FromPlaygroundWebview, type SessionSnapshot, type ToPlaygroundWebview } from '../webview/playgroundMessages';
import type { DemoController, SessionListener } from './demoController';
import type { DemoUpdate } from './demoRunner';
import type { DemoResult } from './demoTypes';
import { historyView, sessionFromResult, UpdateBatcher, withEdits } from './playgroundSession';

export const PLAYGROUND_VIEW_TYPE = 'llmLab.playground';

interface PanelState {
  demoId?: string;
}

/**
 * The one playground panel: the demo's prompt anatomy, runs streaming side by side, history. Runner
 * updates are batched (every 30 ms) into few messages; a page that reloads gets the whole session so far.
 */
export class PlaygroundPanel extends Disposable implements SessionListener {
  private static current: PlaygroundPanel | undefined;
  private demo: DemoView | undefined;
  private session: SessionSnapshot | undefined;
  private ready = false;
  private readonly batcher: UpdateBatcher;

  /** `beside`: next to the editor the run came from (selection commands, prompt files). */
  static show(services: Services, controller: DemoController, demo?: DemoView, beside = false): PlaygroundPanel {
    if (PlaygroundPanel.current) {
      const panel = PlaygroundPanel.current;
      panel.panel.reveal(undefined, true);
      if (demo) panel.showDemo(demo);
      return panel;
    }
    const panel = vscode.window.createWebviewPanel(
      PLAYGROUND_VIEW_TYPE,
      t('LLM Lab: Playground'),
      beside ? { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true } : { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      PlaygroundPanel.options(services),
    );
    PlaygroundPanel.current = new PlaygroundPanel(panel, services, controller, demo);
    return PlaygroundPanel.current;
  }

  static revive(panel: vscode.WebviewPanel, services: Services, controller: DemoController, state: unknown): void {
    panel.webview.options = PlaygroundPanel.options(services);
    const s = (typeof state === 'object' && state !== null ? state : {}) as PanelState;
    const def = typeof s.demoId === 'string' ? controller.definition(s.demoId) : undefined;
    PlaygroundPanel.current?.dispose();
    PlaygroundPanel.current = new PlaygroundPanel(panel, services, controller, def ? controller.demoView(def) : undefined);
  }

  static get instance(): PlaygroundPanel | undefined {
    return PlaygroundPanel.current;
  }

  /** The language changed: rebuild the page (catalog demos switch to the other language's text). */
  static refresh(): void {
    const panel = PlaygroundPanel.current;
    if (!panel) return;
    const id = panel.demo && !panel.demo.adhocLabel ? panel.demo.definition.id : undefined;
    const def = id ? panel.controller.definition(id) : undefined;
    if (def) panel.demo = panel.controller.demoView(def);
    panel.render();
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
    readonly panel: vscode.WebviewPanel,
    private readonly services: Services,
    private readonly controller: DemoController,
    demo: DemoView | undefined,
  ) {
    super();
    this.demo = demo ?? this.defaultDemo();
    // Which PAL variant the page shows (Python if present): looked for while the page loads.
    void controller.codeLanguage();
    this.batcher = new UpdateBatcher((updates) => {
      if (this.session) this.post({ type: 'updates', sessionId: this.session.id, updates });
    });
    this.register({ dispose: () => this.batcher.dispose() });
    panel.iconPath = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'images', 'activity-icon.svg');
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw)));
    // A hidden panel loses its page (retainContextWhenHidden is off); it asks again with 'ready'.
    this.register(panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false;
    }));
    this.register(controller.onDidChangeHistory(() => this.post({ type: 'history', history: historyView(controller.history) })));
    // A model chosen from the page's buttons (or anywhere else) updates its connection badge.
    let recheck: ReturnType<typeof setTimeout> | undefined;
    this.register({ dispose: () => clearTimeout(recheck) });
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!['provider', 'baseUrl', 'model'].some((key) => Config.affects(event, key))) return;
        clearTimeout(recheck);
        recheck = setTimeout(() => void this.controller.connection().then((connection) => this.post({ type: 'connection', connection })), 400);
      }),
    );
    this.render();
  }

  override dispose(): void {
    if (PlaygroundPanel.current === this) PlaygroundPanel.current = undefined;
    // Closing the panel stops what it is running.
    const live = this.session && !this.session.done ? this.controller.session(this.session.id) : undefined;
    if (live) {
      live.listener = undefined;
      live.controller.abort();
    }
    super.dispose();
    this.panel.dispose();
  }

  /** For tests: the session the panel shows. */
  get shownSession(): SessionSnapshot | undefined {
    return this.session;
  }

  private defaultDemo(): DemoView | undefined {
    const first = this.controller.demoList()[0];
    const def = first ? this.controller.definition(first.id) : undefined;
    return def ? this.controller.demoView(def) : undefined;
  }

  showDemo(demo: DemoView): void {
    this.demo = demo;
    this.post({ type: 'demo', demo });
  }

  // ---- SessionListener: the live session this panel shows ----

  update(session: SessionSnapshot, runIndex: number, update: DemoUpdate): void {
    if (this.session !== session) {
      this.adopt(session);
      return;
    }
    if (!this.ready) return;
    this.batcher.add(runIndex, update);
    if (update.type === 'end' || update.type === 'vote') this.batcher.flush();
  }

  finished(session: SessionSnapshot, result: DemoResult): void {
    if (this.session !== session) this.adopt(session);
    this.batcher.flush();
    this.post({ type: 'finished', sessionId: session.id, result });
  }

  /** Shows another session; a run still going in this panel is stopped first. */
  adopt(session: SessionSnapshot): void {
    const previous = this.session;
    if (previous && previous !== session && !previous.done) {
      const live = this.controller.session(previous.id);
      if (live) {
        live.listener = undefined;
        live.controller.abort();
      }
    }
    this.batcher.dispose();
    this.session = session;
    this.post({ type: 'session', session });
  }

  // ---- page ----

  private render(): void {
    const webview = this.panel.webview;
    const extUri = this.services.context.extensionUri;
    const asUri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extUri, ...p)).toString();
    this.ready = false;
    this.panel.title = t('LLM Lab: Playground');
    webview.html = buildWebviewHtml({
      cspSource: webview.cspSource,
      title: t('LLM Lab: Playground'),
      lang: language(),
      scriptUri: asUri('dist', 'webview', 'playground.js'),
      styleUris: [asUri('media', 'css', 'base.css'), asUri('media', 'css', 'playground.css')],
      initialData: { lang: language() },
    });
  }

  private post(message: ToPlaygroundWebview): void {
    if (!this.ready) return;
    void this.panel.webview.postMessage(message).then(undefined, () => undefined);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseFromPlaygroundWebview(raw);
    if (!message) {
      this.services.log.warn(`playground: ignored an unknown or malformed message ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    try {
      await this.handle(message);
    } catch (error) {
      this.services.log.error(error instanceof Error ? error : String(error));
    }
  }

  private async sendInit(): Promise<void> {
    const lang = language();
    const codeLanguage = await this.controller.codeLanguage();
    this.batcher.dispose();
    this.ready = true;
    void this.panel.webview.postMessage({
      type: 'init',
      init: {
        lang,
        strings: stringsFor(this.services.context.extensionPath, lang),
        demos: this.controller.demoList(lang),
        demo: this.demo,
        session: this.session,
        history: historyView(this.controller.history),
        connection: { state: 'checking' },
        codeLanguage,
      },
    } satisfies ToPlaygroundWebview);
    const connection = await this.controller.connection();
    this.post({ type: 'connection', connection });
  }

  private async handle(message: FromPlaygroundWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.sendInit();
        break;
      case 'selectDemo': {
        const def = this.controller.definition(message.id);
        if (def) this.showDemo(this.controller.demoView(def));
        break;
      }
      case 'run': {
        const base = this.demo?.definition.id === message.demoId ? this.demo.definition : this.controller.definition(message.demoId);
        if (!base) return;
        const def = withEdits(base, message.edits);
        const live = await this.controller.start(
          def,
          { temperature: message.temperature, samples: message.samples, provider: message.provider },
          { title: this.demo?.adhocLabel ?? def.title, listener: this, recordProgress: !this.demo?.adhocLabel && def.id !== 'prompt-file' },
        );
        const result = await live.done;
        if (result.error && ['noProvider', 'unreachable', 'auth', 'notFound'].includes(result.error.kind)) {
          this.post({ type: 'connection', connection: await this.controller.connection() });
        }
        break;
      }
      case 'cancel':
        this.controller.cancel(message.sessionId, message.runIndex);
        break;
      case 'reopen': {
        const entry = this.controller.history.find((h) => h.id === message.historyId);
        if (!entry) return;
        const def = this.controller.definition(entry.result.demoId);
        if (def) this.showDemo(this.controller.demoView(def));
        this.adopt(sessionFromResult(entry.result, { id: `h-${entry.id}`, title: entry.title, at: entry.at, historyId: entry.id }));
        break;
      }
      case 'export':
        await this.controller.exportHistory(message.all ? undefined : message.historyId);
        break;
      case 'clearHistory': {
        const clear = t('Clear History');
        const answer = await vscode.window.showWarningMessage(t('Forget all playground runs of this workspace?'), { modal: true }, clear);
        if (answer === clear) await this.controller.clearHistory();
        break;
      }
      case 'command':
        await vscode.commands.executeCommand(message.command, ...(message.arg === undefined ? [] : [message.arg]));
        break;
      case 'openExternal':
        await vscode.env.openExternal(vscode.Uri.parse(message.url, true));
        break;
    }
  }
}
