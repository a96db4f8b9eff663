import * as vscode from 'vscode';
import { language, t } from '../core/l10n';
import { sectionPassed, summarizeParts } from '../core/progressModel';
import type { ProgressStore } from '../core/progressStore';
import type { Services } from '../core/services';
import type { WidgetRequestHandler } from '../lessons/widgetRequestHandler';
import { PanelHost, type PanelPage, type PanelProvider } from '../webview/panelHost';
import { answerRequest } from '../webview/protocol';
import type { WebviewHost } from '../webview/webviewHost';
import type { LectureContent } from './lectureContent';
import { parseFromLectureWebview, type FromLectureWebview, type ProgressView, type SectionPayload, type ToLectureWebview } from './lectureMessages';
import { searchLecture } from './lectureSearch';
import { checkAnswer } from './questions';
import { lectureCommand } from './lectureCommands';

export const LECTURE_VIEW_TYPE = 'llmLab.lecture';
const READ_AFTER_MS = 8000;

const PAGE: PanelPage<FromLectureWebview> = {
  viewType: LECTURE_VIEW_TYPE,
  script: 'lecture',
  styles: ['base.css', 'lecture.css', 'widgets.css', 'dist/content/figures.css'],
  title: () => t('LLM Lab: Lecture'),
  parse: parseFromLectureWebview,
};

export interface LectureDeps {
  services: Services;
  content: LectureContent;
  progress: ProgressStore;
  /** Answers the widgets' requests (registerLessons' widgetHandler). */
  widgets: WidgetRequestHandler;
}

interface PanelState {
  sectionId?: string;
  scrollTop?: number;
}

/** The one lecture panel: table of contents, a section at a time, search, checks, widgets. */
export class LecturePanel implements PanelProvider<ToLectureWebview, FromLectureWebview> {
  /** Last section shown, for tests and "resume". */
  sectionId: string;
  /** Where a revived page was scrolled to; used by its first init only. */
  private scrollTop: number | undefined;
  /** An anchor asked for while the page was loading: its init scrolls there. */
  private anchor: string | undefined;
  private readonly progressListener: vscode.Disposable;

  constructor(
    private readonly page: WebviewHost<ToLectureWebview, FromLectureWebview>,
    private readonly deps: LectureDeps,
    state: unknown,
  ) {
    const s = (typeof state === 'object' && state !== null ? state : {}) as PanelState;
    const sections = deps.content.lecture(language()).sections;
    this.sectionId = typeof s.sectionId === 'string' && sections.some((x) => x.id === s.sectionId) ? s.sectionId : (deps.progress.current.lastSectionId ?? sections[0]?.id ?? 'what-is-chatgpt');
    this.scrollTop = typeof s.scrollTop === 'number' ? s.scrollTop : undefined;
    this.progressListener = deps.progress.onDidChange(() => page.postState({ type: 'progress', progress: this.progressView() }));
  }

  dispose(): void {
    this.progressListener.dispose();
  }

  init(): ToLectureWebview {
    const lang = language();
    const lecture = this.deps.content.lecture(lang);
    const { scrollTop, anchor } = this;
    this.scrollTop = undefined;
    this.anchor = undefined;
    return {
      type: 'init',
      init: {
        ...this.page.strings(),
        parts: lecture.parts,
        toc: lecture.sections.map(({ id, title, part, order, summary }) => ({ id, title, part, order, summary })),
        sectionId: this.sectionId,
        section: this.sectionPayload(this.sectionId),
        scrollTop,
        anchor,
        progress: this.progressView(),
        mediaBase: this.page.resourceUri('media'),
        readAfterMs: READ_AFTER_MS,
      },
    };
  }

  showSection(id: string, anchor?: string): void {
    const section = this.sectionPayload(id);
    if (!section) return;
    this.sectionId = id;
    if (this.page.isReady) this.page.postState({ type: 'section', section, scrollTop: 0, anchor });
    else this.anchor = anchor;
  }

  private progressView(): ProgressView {
    const lang = language();
    const { content, progress } = this.deps;
    const lecture = content.lecture(lang);
    const questions = content.questions(lang);
    const state = progress.current;
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
    const { content, progress } = this.deps;
    const section = content.lecture(lang).sections.find((s) => s.id === id);
    if (!section) return undefined;
    const questions = content.questions(lang).filter((q) => q.sectionId === id);
    const state = progress.current;
    return {
      id: section.id,
      title: section.title,
      part: section.part,
      order: section.order,
      html: section.html,
      sources: section.sources,
      terms: content.termViews(section.terms, lang),
      questions: questions.map((q) => ({ id: q.id, type: q.type, prompt: q.prompt, options: q.options, unit: q.unit })),
      passedQuestions: questions.filter((q) => state.checks[q.id]?.correct).map((q) => q.id),
    };
  }

  async onMessage(message: FromLectureWebview): Promise<void> {
    const lang = language();
    const { content, progress } = this.deps;
    switch (message.type) {
      case 'ready':
        // Its init carried the section.
        break;
      case 'showSection':
        this.showSection(message.id, message.anchor);
        break;
      case 'sectionRead':
        if (content.lecture(lang).sections.some((s) => s.id === message.id)) {
          progress.record({ kind: 'sectionRead', sectionId: message.id });
        }
        break;
      case 'search': {
        const hits = searchLecture([content.lecture('en'), content.lecture('zh-cn')], message.query, lang);
        this.page.postState({ type: 'searchResults', requestId: message.requestId, query: message.query, hits });
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
        const question = content.questions(lang).find((q) => q.id === message.questionId);
        if (!question) return;
        const correct = checkAnswer(question, message.answer);
        progress.record({ kind: 'checkAnswered', questionId: question.id, sectionId: question.sectionId, correct, answer: message.answer });
        this.page.postState({ type: 'checkResult', questionId: question.id, correct, explanation: question.explanation, answer: correct ? question.answer : undefined });
        break;
      }
      case 'request':
        this.page.postState(await answerRequest(message, this.deps.widgets));
        break;
      case 'widgetUsed':
        progress.record({ kind: 'widgetUsed', widgetId: message.id });
        break;
      case 'setLanguage':
        await vscode.workspace.getConfiguration('llmLab').update('language', message.lang, vscode.ConfigurationTarget.Global);
        break;
      case 'state':
        this.sectionId = message.sectionId;
        break;
    }
  }
}

export interface LecturePanels {
  readonly panels: PanelHost<ToLectureWebview, FromLectureWebview, LecturePanel>;
  /** Opens (or reveals) the lecture at a section (an unknown id: where the reader was). */
  show(sectionId?: string): LecturePanel;
}

export function createLecturePanels(deps: LectureDeps): LecturePanels {
  const panels = new PanelHost<ToLectureWebview, FromLectureWebview, LecturePanel>(deps.services, PAGE, (page, state) => new LecturePanel(page, deps, state));
  return {
    panels,
    show(sectionId) {
      const known = sectionId && deps.content.lecture(language()).sections.some((s) => s.id === sectionId) ? sectionId : undefined;
      if (!panels.current) deps.progress.record({ kind: 'lectureOpened' });
      const { provider, created } = panels.show({}, { sectionId: known });
      if (!created && known) provider.showSection(known);
      return provider;
    },
  };
}
