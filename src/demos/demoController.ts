import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Disposable } from '../core/disposable';
import { language, t, type Lang } from '../core/l10n';
import type { Services } from '../core/services';
import type { LectureContent } from '../lecture/lectureContent';
import type { ChatProvider, ChatRequest, ChatResult, LlmService, ProviderId, StreamEvent } from '../llm/types';
import type { ConnectionView, DemoListEntry, DemoView, SessionSnapshot } from './playgroundMessages';
import { createCodeExecutor, type ProgramSandbox } from './codeSandbox';
import { runDemo, type DemoRunnerDeps, type DemoUpdate, type RunDemoOptions } from './demoRunner';
import type { CodeLanguage, DemoCatalog, DemoDefinition, DemoResult } from './demoTypes';
import { HistoryStore, type HistoryChange } from './historyStore';
import { applyUpdate, finishSession, newSession, type HistoryEntry } from './playgroundSession';
import { historyMarkdown } from './resultMarkdown';

/** What demos need from the model layer (LlmService satisfies it). */
export type DemoLlm = Pick<LlmService, 'resolveProvider' | 'stream'> & Partial<Pick<LlmService, 'onCancelAll'>>;

export interface SessionListener {
  update(session: SessionSnapshot, runIndex: number, update: DemoUpdate): void;
  finished(session: SessionSnapshot, result: DemoResult): void;
}

export interface LiveSession {
  readonly snapshot: SessionSnapshot;
  readonly controller: AbortController;
  readonly runControllers: Map<number, AbortController>;
  listener?: SessionListener;
  readonly done: Promise<DemoResult>;
}

export interface StartOptions {
  title?: string;
  listener?: SessionListener;
  /** Record `demoRun` progress (catalog demos only). */
  recordProgress?: boolean;
  /** Show a notification with Cancel while it runs (after a short delay, so quick runs stay quiet). */
  notify?: boolean;
}

/** Where history was kept before it moved to files (HistoryStore); read once to move it. */
const LEGACY_HISTORY_KEY = 'llmLab.playground.history';
const NOTIFY_AFTER_MS = 800;

function isCancelled(error: unknown): boolean {
  return typeof error === 'object' && error !== null && ((error as { kind?: unknown }).kind === 'cancelled' || (error as { name?: unknown }).name === 'AbortError');
}

/** Runs demos for every entry point (palette, tree, playground, selection commands, prompt files, scripts). */
export class DemoController extends Disposable {
  private catalogCache: DemoCatalog | undefined;
  private readonly historyStore: HistoryStore;
  private readonly live = new Map<string, LiveSession>();
  private counter = 0;
  private readonly historyEmitter = this.register(new vscode.EventEmitter<HistoryChange>());
  readonly onDidChangeHistory = this.historyEmitter.event;

  constructor(
    private readonly services: Services,
    private readonly llm: DemoLlm,
    private readonly builtin: () => ChatProvider,
    private readonly lecture: LectureContent,
    /** The Program Sandbox view (PAL programs are shown, asked about and run there). */
    private readonly sandbox: () => ProgramSandbox & { warm(language: CodeLanguage): Promise<void> },
  ) {
    super();
    // Per workspace (a window without a folder keeps its runs with the extension's global storage).
    const storage = services.context.storageUri ?? services.context.globalStorageUri;
    const state = services.context.workspaceState;
    this.historyStore = new HistoryStore(join(storage.fsPath, 'playground-history'), {
      warn: (message) => services.log.warn(message),
      legacy: { get: () => state.get<unknown>(LEGACY_HISTORY_KEY), forget: () => void state.update(LEGACY_HISTORY_KEY, undefined) },
    });
    this.register({ dispose: () => this.cancelAll() });
    // `llmLab.cancel` also stops runs on the built-in model and demos between requests (e.g. waiting to run code).
    if (llm.onCancelAll) this.register(llm.onCancelAll(() => this.cancelAll()));
  }

  // ---- catalog ----

  get catalog(): DemoCatalog {
    if (!this.catalogCache) {
      try {
        this.catalogCache = JSON.parse(readFileSync(join(this.services.contentDir, 'demos.json'), 'utf8')) as DemoCatalog;
      } catch (error) {
        this.services.log.error(`demos: could not read demos.json: ${(error as Error).message}`);
        this.catalogCache = { version: 1, ids: [], demos: {} };
      }
    }
    return this.catalogCache;
  }

  definition(id: string, lang: Lang = language()): DemoDefinition | undefined {
    const entry = Object.hasOwn(this.catalog.demos, id) ? this.catalog.demos[id] : undefined;
    return entry ? (entry[lang] ?? entry.en) : undefined;
  }

  /** Demos in lecture order, with their part (for the picker, the tree and the quick pick). */
  demoList(lang: Lang = language()): DemoListEntry[] {
    const lecture = this.lecture.lecture(lang);
    const sections = new Map(lecture.sections.map((s) => [s.id, s]));
    const partTitles = new Map(lecture.parts.map((p) => [p.id, p.title]));
    const partOrder = new Map(lecture.parts.map((p, i) => [p.id, i]));
    const list = this.catalog.ids.flatMap((id, index) => {
      const def = this.definition(id, lang);
      if (!def) return [];
      const section = sections.get(def.section);
      const part = section?.part ?? '';
      return [{ entry: { id, title: def.title, summary: def.summary, section: def.section, part, partTitle: partTitles.get(part) ?? part, builtin: def.options.fallbackProvider === 'builtin' }, order: [partOrder.get(part) ?? 99, section?.order ?? 999, index] }];
    });
    list.sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1] || a.order[2] - b.order[2]);
    return list.map((x) => x.entry);
  }

  demoView(def: DemoDefinition, adhocLabel?: string): DemoView {
    const section = this.lecture.lecture(def.lang).sections.find((s) => s.id === def.section);
    const view: DemoView = { definition: def, builtin: def.options.fallbackProvider === 'builtin' };
    if (adhocLabel) view.adhocLabel = adhocLabel;
    if (section) view.sectionTitle = section.title;
    return view;
  }

  /** PAL programs are Python (as in the paper); the sandbox also runs JavaScript (QuickJS) for the JS variant. */
  codeLanguage(): Promise<CodeLanguage> {
    return Promise.resolve('python');
  }

  // ---- connection ----

  async connection(): Promise<ConnectionView> {
    try {
      const provider = await this.llm.resolveProvider({ signal: AbortSignal.timeout(6000) });
      return { state: 'ok', provider: provider.label, model: provider.defaultModel };
    } catch (error) {
      const kind = (error as { kind?: string }).kind;
      const message = error instanceof Error ? error.message : String(error);
      return kind === 'noProvider' ? { state: 'none', message } : { state: 'error', message };
    }
  }

  // ---- running ----

  private deps(session: LiveSession, codeLanguage: CodeLanguage): DemoRunnerDeps {
    const config = this.services.config;
    return {
      codeLanguage,
      resolveProvider: async ({ provider }, signal) => {
        if (provider === 'builtin') return this.builtin();
        return this.llm.resolveProvider({ provider: provider as ProviderId | 'auto' | undefined, signal });
      },
      stream: async (provider: ChatProvider, request: ChatRequest, signal: AbortSignal, onEvent: (event: StreamEvent) => void): Promise<ChatResult | undefined> => {
        if (provider.id === 'builtin') {
          // The built-in model never reaches the network, the status bar or "model connected" progress.
          for await (const event of provider.chat(request, signal)) onEvent(event);
          return undefined;
        }
        try {
          return await this.llm.stream(request, { provider, signal, onEvent });
        } catch (error) {
          // `llmLab.cancel` stops requests inside the model layer; stop the rest of this demo with them.
          if (isCancelled(error) && !signal.aborted) session.controller.abort();
          throw error;
        }
      },
      executeCode: createCodeExecutor({
        setting: () => config.codeExecution,
        trusted: () => vscode.workspace.isTrusted,
        sandbox: this.sandbox,
        rememberAlways: async () => {
          await vscode.workspace.getConfiguration('llmLab').update('codeExecution', 'always', vscode.ConfigurationTarget.Global);
        },
      }),
    };
  }

  /** Starts a run; the returned session's `done` resolves to the DemoResult (never rejects). */
  async start(def: DemoDefinition, options: RunDemoOptions, start: StartOptions = {}): Promise<LiveSession> {
    const id = `s${++this.counter}-${Date.now().toString(36)}`;
    const controller = new AbortController();
    const runControllers = new Map<number, AbortController>();
    const snapshot = newSession(id, def.id, start.title ?? def.title, Date.now());
    // Finding Python (or a sandboxable Node) spawns a process: only program-aided demos wait for it.
    const writesPrograms = def.runs.some((r) => r.program);
    const codeLanguage = writesPrograms ? await this.codeLanguage() : 'python';
    // Start the interpreter while the model is still writing the program (a cold Pyodide start takes seconds).
    if (writesPrograms && vscode.workspace.isTrusted && this.services.config.codeExecution !== 'never') {
      this.sandbox()
        .warm(codeLanguage)
        .catch((error: unknown) => this.services.log.warn(`sandbox: could not start ahead of need: ${String(error)}`));
    }
    let resolveDone!: (result: DemoResult) => void;
    const done = new Promise<DemoResult>((resolve) => (resolveDone = resolve));
    const session: LiveSession = { snapshot, controller, runControllers, listener: start.listener, done };
    this.live.set(id, session);

    const runOptions: RunDemoOptions = {
      maxTokens: this.services.config.maxTokens,
      ...options,
      signal: controller.signal,
      runSignal: (index) => {
        let c = runControllers.get(index);
        if (!c) runControllers.set(index, (c = new AbortController()));
        return c.signal;
      },
      onUpdate: (index, update) => {
        applyUpdate(snapshot, index, update);
        try {
          session.listener?.update(snapshot, index, update);
        } catch (error) {
          this.services.log.warn(`demos: a playground listener failed: ${String(error)}`);
        }
      },
    };
    this.services.log.info(`demo ${def.id}: started (${id})`);
    const running = runDemo(def, runOptions, this.deps(session, codeLanguage));
    if (start.notify) this.notify(session, running);
    void running.then((result) => {
      this.live.delete(id);
      finishSession(snapshot, result);
      this.services.log.info(`demo ${def.id}: ${result.ok ? 'ok' : `${result.error?.kind}: ${result.error?.message}`} (${id})`);
      this.remember({ id, title: snapshot.title, at: snapshot.startedAt, result });
      try {
        session.listener?.finished(snapshot, result);
      } catch (error) {
        this.services.log.warn(`demos: a playground listener failed: ${String(error)}`);
      }
      resolveDone(result);
      // Progress (its write, context keys and listeners: the lecture tree, an open lecture) is nothing the result
      // depends on: recorded once the caller has the result, instead of in the same task before it.
      if (start.recordProgress) setImmediate(() => this.services.progress.record({ kind: 'demoRun', demoId: def.id, ok: result.ok }));
    });
    return session;
  }

  /** A notification with Cancel for runs that take a while. */
  private notify(session: LiveSession, running: Promise<DemoResult>): void {
    let finished = false;
    void running.then(() => (finished = true));
    const timer = setTimeout(() => {
      if (finished) return;
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: t('LLM Lab: {0}', session.snapshot.title), cancellable: true },
        async (progress, token) => {
          const sub = token.onCancellationRequested(() => session.controller.abort());
          let reported = 0;
          const tick = setInterval(() => {
            const doneRuns = session.snapshot.runs.filter((r) => r.status === 'done').length;
            if (doneRuns > reported) {
              // Read now: a plan that waits for the provider (see runDemo) may come after this notice.
              const total = Math.max(1, session.snapshot.plan.length);
              progress.report({ increment: ((doneRuns - reported) / total) * 100, message: t('{0} of {1} runs done', doneRuns, total) });
              reported = doneRuns;
            }
          }, 200);
          try {
            await running;
          } finally {
            clearInterval(tick);
            sub.dispose();
          }
        },
      );
    }, NOTIFY_AFTER_MS);
    void running.then(() => clearTimeout(timer));
  }

  session(id: string): LiveSession | undefined {
    return this.live.get(id);
  }

  /** Stops a whole session, or one run of it (a column in compare mode). */
  cancel(sessionId: string, runIndex?: number): void {
    const session = this.live.get(sessionId);
    if (!session) return;
    if (runIndex === undefined) {
      session.controller.abort();
      return;
    }
    let c = session.runControllers.get(runIndex);
    if (!c) session.runControllers.set(runIndex, (c = new AbortController()));
    c.abort();
  }

  /** Stops every running demo; returns how many were still running. */
  cancelAll(): number {
    let stopped = 0;
    for (const session of this.live.values()) {
      if (session.controller.signal.aborted) continue;
      session.controller.abort();
      stopped++;
    }
    return stopped;
  }

  // ---- history ----

  /** The runs kept, newest first (read from disk the first time). */
  history(): Promise<HistoryEntry[]> {
    return this.historyStore.load();
  }

  private remember(entry: HistoryEntry): void {
    void this.historyStore.add(entry).then(
      (change) => this.historyEmitter.fire(change),
      (error: unknown) => this.services.log.warn(`demos: history not saved: ${String(error)}`),
    );
  }

  async clearHistory(): Promise<void> {
    this.historyEmitter.fire({ removed: await this.historyStore.clear() });
  }

  /** Writes one entry or all of them as markdown through a save dialog; returns the path written. */
  async exportHistory(historyId?: string): Promise<string | undefined> {
    const history = await this.history();
    const entries = historyId ? history.filter((h) => h.id === historyId) : history;
    if (!entries.length) {
      void vscode.window.showInformationMessage(t('There are no runs to export yet.'));
      return undefined;
    }
    const name = historyId ? `llm-lab-${entries[0].result.demoId}.md` : 'llm-lab-runs.md';
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: { Markdown: ['md'] },
      saveLabel: t('Export'),
      title: historyId ? t('Export this run as markdown') : t('Export all runs as markdown'),
    });
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(historyMarkdown(entries)));
    void vscode.window.showInformationMessage(t('Saved {0}.', uri.scheme === 'file' ? uri.fsPath : uri.toString()), t('Open')).then((choice) => {
      if (choice) void vscode.window.showTextDocument(uri);
    });
    return uri.fsPath;
  }
}
