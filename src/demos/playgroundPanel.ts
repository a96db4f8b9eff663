import * as vscode from 'vscode';
import { Config } from '../core/config';
import { language, t } from '../core/l10n';
import type { Services } from '../core/services';
import { PanelHost, type PanelPage, type PanelProvider } from '../webview/panelHost';
import type { WebviewHost } from '../webview/webviewHost';
import type { DemoController, SessionListener } from './demoController';
import type { DemoUpdate } from './demoRunner';
import type { DemoResult } from './demoTypes';
import { parseFromPlaygroundWebview, type ConnectionView, type DemoView, type FromPlaygroundWebview, type SessionSnapshot, type ToPlaygroundWebview } from './playgroundMessages';
import { historyView, sessionFromResult, UpdateBatcher, withEdits } from './playgroundSession';

export const PLAYGROUND_VIEW_TYPE = 'llmLab.playground';

const PAGE: PanelPage<FromPlaygroundWebview> = {
  viewType: PLAYGROUND_VIEW_TYPE,
  script: 'playground',
  styles: ['base.css', 'playground.css'],
  title: () => t('LLM Lab: Playground'),
  parse: parseFromPlaygroundWebview,
};

interface PanelState {
  demoId?: string;
}

/**
 * The one playground panel: the demo's prompt anatomy, runs streaming side by side, history. Runner
 * updates are batched (every 30 ms) into few messages; a page that (re)loads gets the whole session so far
 * in its init, so updates are only sent to a page that is listening (postState).
 */
export class PlaygroundPanel implements PanelProvider<ToPlaygroundWebview, FromPlaygroundWebview>, SessionListener {
  private demo: DemoView | undefined;
  private session: SessionSnapshot | undefined;
  /** The last connection state found (a page that reloads shows it until it is checked again). */
  private connection: ConnectionView = { state: 'checking' };
  private readonly batcher: UpdateBatcher;
  private readonly owned: vscode.Disposable[] = [];

  constructor(
    private readonly page: WebviewHost<ToPlaygroundWebview, FromPlaygroundWebview>,
    private readonly controller: DemoController,
    state: unknown,
  ) {
    const s = (typeof state === 'object' && state !== null ? state : {}) as PanelState;
    const def = typeof s.demoId === 'string' ? controller.definition(s.demoId) : undefined;
    this.demo = def ? controller.demoView(def) : this.defaultDemo();
    // Which PAL variant the page shows (Python if present): looked for while the page loads.
    void controller.codeLanguage();
    this.batcher = new UpdateBatcher((updates) => {
      if (this.session) page.postState({ type: 'updates', sessionId: this.session.id, updates });
    });
    this.owned.push({ dispose: () => this.batcher.dispose() });
    this.owned.push(
      controller.onDidChangeHistory(({ added, removed }) => {
        const message: ToPlaygroundWebview = { type: 'historyChanged', removed };
        if (added) message.added = historyView([added])[0];
        page.postState(message);
      }),
    );
    // A model chosen from the page's buttons (or anywhere else) updates its connection badge.
    let recheck: ReturnType<typeof setTimeout> | undefined;
    this.owned.push({ dispose: () => clearTimeout(recheck) });
    this.owned.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!['provider', 'baseUrl', 'model'].some((key) => Config.affects(event, key))) return;
        clearTimeout(recheck);
        recheck = setTimeout(() => void this.checkConnection(), 400);
      }),
    );
  }

  dispose(): void {
    // Closing the panel stops what it is running.
    const live = this.session && !this.session.done ? this.controller.session(this.session.id) : undefined;
    if (live) {
      live.listener = undefined;
      live.controller.abort();
    }
    for (const item of this.owned) item.dispose();
  }

  /** For tests: the session the panel shows. */
  get shownSession(): SessionSnapshot | undefined {
    return this.session;
  }

  async init(): Promise<ToPlaygroundWebview> {
    const lang = language();
    const codeLanguage = await this.controller.codeLanguage();
    // The session snapshot has every update so far: those still batched would arrive twice.
    this.batcher.dispose();
    // A catalog demo in the current language (the page may be loading after a language change).
    const id = this.demo && !this.demo.adhocLabel ? this.demo.definition.id : undefined;
    const def = id ? this.controller.definition(id) : undefined;
    if (def) this.demo = this.controller.demoView(def);
    return {
      type: 'init',
      init: {
        ...this.page.strings(),
        demos: this.controller.demoList(lang),
        demo: this.demo,
        session: this.session,
        history: historyView(await this.controller.history()),
        connection: this.connection,
        codeLanguage,
      },
    };
  }

  private defaultDemo(): DemoView | undefined {
    const first = this.controller.demoList()[0];
    const def = first ? this.controller.definition(first.id) : undefined;
    return def ? this.controller.demoView(def) : undefined;
  }

  private async checkConnection(): Promise<void> {
    this.connection = await this.controller.connection();
    this.page.postState({ type: 'connection', connection: this.connection });
  }

  showDemo(demo: DemoView): void {
    this.demo = demo;
    this.page.postState({ type: 'demo', demo });
  }

  // ---- SessionListener: the live session this panel shows ----

  update(session: SessionSnapshot, runIndex: number, update: DemoUpdate): void {
    if (this.session !== session) {
      this.adopt(session);
      return;
    }
    if (!this.page.isReady) return;
    this.batcher.add(runIndex, update);
    if (update.type === 'end' || update.type === 'vote') this.batcher.flush();
  }

  finished(session: SessionSnapshot, result: DemoResult): void {
    if (this.session !== session) this.adopt(session);
    this.batcher.flush();
    this.page.postState({ type: 'finished', sessionId: session.id, result });
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
    this.page.postState({ type: 'session', session });
  }

  // ---- page ----

  async onMessage(message: FromPlaygroundWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        // Its init said 'checking' (or what was found before): look again.
        await this.checkConnection();
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
        if (result.error && ['noProvider', 'unreachable', 'auth', 'notFound'].includes(result.error.kind)) await this.checkConnection();
        break;
      }
      case 'cancel':
        this.controller.cancel(message.sessionId, message.runIndex);
        break;
      case 'reopen': {
        const entry = (await this.controller.history()).find((h) => h.id === message.historyId);
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

export interface PlaygroundPanels {
  readonly panels: PanelHost<ToPlaygroundWebview, FromPlaygroundWebview, PlaygroundPanel>;
  /** Opens (or reveals) the playground at a demo; `beside`: next to the editor the run came from (selection commands, prompt files). */
  show(demo?: DemoView, beside?: boolean): PlaygroundPanel;
}

export function createPlaygroundPanels(services: Services, controller: DemoController): PlaygroundPanels {
  const panels = new PanelHost<ToPlaygroundWebview, FromPlaygroundWebview, PlaygroundPanel>(services, PAGE, (page, state) => new PlaygroundPanel(page, controller, state));
  return {
    panels,
    show(demo, beside = false) {
      // An open playground is revealed without taking the focus from where the command came from.
      const { provider } = panels.current ? panels.show({ preserveFocus: true }) : panels.show({ beside });
      if (demo) provider.showDemo(demo);
      return provider;
    },
  };
}
