import * as vscode from 'vscode';
import { Disposable } from '../core/disposable';
import { language, Lang, t } from '../core/l10n';
import { stringsFor } from '../core/language';
import { sectionPassed, summarizeParts } from '../core/progressModel';
import type { ProgressStore } from '../core/progressStore';
import type { Services } from '../core/services';
import { buildWebviewHtml } from '../webview/html';
import { FromLectureWebview, parseFromLectureWebview, ProgressView, SectionPayload, ToLectureWebview } from '../webview/lectureMessages';
import type { LectureContent } from './lectureContent';
import { searchLecture } from './lectureSearch';
import { checkAnswer } from './questions';
import { lectureCommand } from './lectureCommands';

export const LECTURE_VIEW_TYPE = 'llmLab.lecture';
const READ_AFTER_MS = 8000;

export type WidgetRequestHandler = (payload: unknown) => Promise<unknown>;

interface PanelState {
  sectionId?: string;
  scrollTop?: number;
}

/** The one lecture panel: table of contents, a section at a time, search, checks, widgets. */
export class LecturePanel extends Disposable {
  private static current: LecturePanel | undefined;
  static widgetHandler: WidgetRequestHandler | undefined;
  /** Last section shown, for tests and "resume". */
  sectionId: string;
  private readonly shownAt = Date.now();

  static show(services: Services, content: LectureContent, progress: ProgressStore, sectionId?: string): LecturePanel {
    const known = sectionId && content.lecture(language()).sections.some((s) => s.id === sectionId) ? sectionId : undefined;
    if (LecturePanel.current) {
      LecturePanel.current.panel.reveal(undefined, false);
      if (known) LecturePanel.current.showSection(known);
      return LecturePanel.current;
    }
    progress.record({ kind: 'lectureOpened' });
    const panel = vscode.window.createWebviewPanel(LECTURE_VIEW_TYPE, t('LLM Lab: Lecture'), vscode.ViewColumn.Active, LecturePanel.options(services));
    LecturePanel.current = new LecturePanel(panel, services, content, progress, { sectionId: known });
    return LecturePanel.current;
  }

  static revive(panel: vscode.WebviewPanel, services: Services, content: LectureContent, progress: ProgressStore, state: unknown): void {
    panel.webview.options = LecturePanel.options(services);
    const s = (typeof state === 'object' && state !== null ? state : {}) as PanelState;
    LecturePanel.current?.dispose();
    LecturePanel.current = new LecturePanel(panel, services, content, progress, s);
  }

  static get instance(): LecturePanel | undefined {
    return LecturePanel.current;
  }

  /** Language or content changed: rebuild the page in place. */
  static refresh(): void {
    LecturePanel.current?.render();
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
    private readonly content: LectureContent,
    private readonly progress: ProgressStore,
    state: PanelState,
  ) {
    super();
    const sections = content.lecture(language()).sections;
    this.sectionId = state.sectionId && sections.some((s) => s.id === state.sectionId) ? state.sectionId : (progress.current.lastSectionId ?? sections[0]?.id ?? 'what-is-chatgpt');
    this.scrollTop = state.scrollTop;
    panel.iconPath = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'images', 'activity-icon.svg');
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw)));
    this.register(progress.onDidChange(() => this.post({ type: 'progress', progress: this.progressView() })));
    this.render();
  }

  private scrollTop: number | undefined;

  override dispose(): void {
    if (LecturePanel.current === this) LecturePanel.current = undefined;
    super.dispose();
    this.panel.dispose();
  }

  showSection(id: string, anchor?: string): void {
    this.sendSection(id, 0, anchor);
  }

  private render(): void {
    const webview = this.panel.webview;
    const lang = language();
    const extUri = this.services.context.extensionUri;
    const asUri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extUri, ...p)).toString();
    this.panel.title = t('LLM Lab: Lecture');
    webview.html = buildWebviewHtml({
      cspSource: webview.cspSource,
      title: t('LLM Lab: Lecture'),
      lang,
      scriptUri: asUri('dist', 'webview', 'lecture.js'),
      styleUris: [asUri('media', 'css', 'base.css'), asUri('media', 'css', 'lecture.css'), asUri('media', 'css', 'widgets.css'), asUri('dist', 'content', 'figures.css')],
      initialData: { lang },
    });
  }

  private post(message: ToLectureWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private progressView(): ProgressView {
    const lang = language();
    const lecture = this.content.lecture(lang);
    const questions = this.content.questions(lang);
    const state = this.progress.current;
    const titles = new Map(lecture.sections.map((s) => [s.id, s.title]));
    return {
      read: Object.keys(state.sections),
      passed: lecture.sections.filter((s) => sectionPassed(state, s.id, questions)).map((s) => s.id),
      total: lecture.sections.length,
      parts: summarizeParts(state, lecture.sections, questions).map((p) => ({
        ...p,
        title: lecture.parts.find((x) => x.id === p.part)?.title ?? p.part,
        revisit: p.revisit.map((id) => ({ id, title: titles.get(id) ?? id })),
      })),
    };
  }

  private sectionPayload(id: string): SectionPayload | undefined {
    const lang = language();
    const section = this.content.lecture(lang).sections.find((s) => s.id === id);
    if (!section) return undefined;
    const questions = this.content.questions(lang).filter((q) => q.sectionId === id);
    const state = this.progress.current;
    return {
      id: section.id,
      title: section.title,
      part: section.part,
      order: section.order,
      html: section.html,
      sources: section.sources,
      terms: this.content.termViews(section.terms, lang),
      questions: questions.map((q) => ({ id: q.id, type: q.type, prompt: q.prompt, options: q.options, unit: q.unit })),
      passedQuestions: questions.filter((q) => state.checks[q.id]?.correct).map((q) => q.id),
    };
  }

  private sendSection(id: string, scrollTop?: number, anchor?: string): void {
    const section = this.sectionPayload(id);
    if (!section) return;
    this.sectionId = id;
    this.post({ type: 'section', section, scrollTop, anchor });
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseFromLectureWebview(raw);
    if (!message) {
      this.services.log.warn(`lecture panel: ignored an unknown or malformed message ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    try {
      await this.handle(message);
    } catch (error) {
      this.services.log.error(error instanceof Error ? error : String(error));
    }
  }

  private async handle(message: FromLectureWebview): Promise<void> {
    const lang = language();
    switch (message.type) {
      case 'ready': {
        const lecture = this.content.lecture(lang);
        const extUri = this.services.context.extensionUri;
        this.post({
          type: 'init',
          init: {
            lang,
            strings: stringsFor(this.services.context.extensionPath, lang),
            parts: lecture.parts,
            toc: lecture.sections.map(({ id, title, part, order, summary }) => ({ id, title, part, order, summary })),
            sectionId: this.sectionId,
            scrollTop: this.scrollTop,
            progress: this.progressView(),
            mediaBase: this.panel.webview.asWebviewUri(vscode.Uri.joinPath(extUri, 'media')).toString(),
            readAfterMs: READ_AFTER_MS,
          },
        });
        this.sendSection(this.sectionId, this.scrollTop);
        this.scrollTop = undefined;
        break;
      }
      case 'showSection':
        this.sendSection(message.id, 0, message.anchor);
        break;
      case 'sectionRead':
        if (this.content.lecture(lang).sections.some((s) => s.id === message.id)) {
          this.progress.record({ kind: 'sectionRead', sectionId: message.id });
        }
        break;
      case 'search': {
        const hits = searchLecture([this.content.lecture('en'), this.content.lecture('zh-cn')], message.query, lang);
        this.post({ type: 'searchResults', requestId: message.requestId, query: message.query, hits });
        break;
      }
      case 'runDemo':
        await vscode.commands.executeCommand('llmLab.runDemo', { id: message.id });
        break;
      case 'openExternal':
        // VS Code asks for confirmation before opening an untrusted domain.
        await vscode.env.openExternal(vscode.Uri.parse(message.url, true));
        break;
      case 'runCommand': {
        const command = lectureCommand(message.command, message.args);
        if (command) await vscode.commands.executeCommand(command.id, ...command.args);
        break;
      }
      case 'answer': {
        const question = this.content.questions(lang).find((q) => q.id === message.questionId);
        if (!question) return;
        const correct = checkAnswer(question, message.answer);
        this.progress.record({ kind: 'checkAnswered', questionId: question.id, sectionId: question.sectionId, correct, answer: message.answer });
        this.post({ type: 'checkResult', questionId: question.id, correct, explanation: question.explanation, answer: correct ? question.answer : undefined });
        break;
      }
      case 'widgetRequest': {
        const handler = LecturePanel.widgetHandler;
        if (!handler) {
          this.post({ type: 'widgetResponse', requestId: message.requestId, ok: false, error: t('This widget is not available.') });
          return;
        }
        try {
          const data = await handler(message.payload);
          this.post({ type: 'widgetResponse', requestId: message.requestId, ok: true, data });
        } catch (error) {
          this.post({ type: 'widgetResponse', requestId: message.requestId, ok: false, error: (error as Error).message });
        }
        break;
      }
      case 'widgetUsed':
        this.progress.record({ kind: 'widgetUsed', widgetId: message.id });
        break;
      case 'setLanguage':
        await vscode.workspace.getConfiguration('llmLab').update('language', message.lang, vscode.ConfigurationTarget.Global);
        break;
      case 'state':
        this.sectionId = message.sectionId;
        break;
    }
  }

  /** Used by integration tests and the language switch: which language the page shows. */
  get lang(): Lang {
    return language();
  }
}
