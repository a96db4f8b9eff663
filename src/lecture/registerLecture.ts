import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { Command, registerCommands } from '../core/commands';
import { language, t } from '../core/l10n';
import { resumeSection } from '../core/progressModel';
import type { ProgressStore } from '../core/progressStore';
import type { Services } from '../core/services';
import type { WidgetRequestHandler } from '../lessons/widgetRequestHandler';
import { LectureContent } from './lectureContent';
import { createLecturePanels } from './lecturePanel';
import { LectureTreeProvider } from './lectureTree';
import { progressReport } from './progressReport';

export interface LectureCapability {
  /** The compiled lecture, read once: shared with the demos (their lecture links and texts). */
  content: LectureContent;
  tree: LectureTreeProvider;
}

/** `widgets` answers the lecture's widgets (registerLessons' widgetHandler). */
export function registerLecture(services: Services, progress: ProgressStore, widgets: WidgetRequestHandler): LectureCapability {
  const content = new LectureContent(services.contentDir);
  const tree = new LectureTreeProvider(content, progress);
  const lecture = createLecturePanels({ services, content, progress, widgets });
  const { context } = services;
  context.subscriptions.push(
    vscode.window.registerTreeDataProvider('llmLab.lecture', tree),
    lecture.panels,
    progress.onDidChange(() => tree.refresh()),
    services.language.onDidChangeLanguage(() => tree.refresh()),
  );

  const commands: Command[] = [
    {
      id: 'llmLab.openLecture',
      run: (sectionId?: unknown) => {
        const id = typeof sectionId === 'string' ? sectionId : undefined;
        return lecture.show(id).sectionId;
      },
    },
    {
      id: 'llmLab.resumeLecture',
      run: () => {
        const id = resumeSection(progress.current, content.lecture(language()).sections);
        lecture.show(id);
        return id;
      },
    },
    {
      id: 'llmLab.resetProgress',
      run: async (confirm?: unknown) => {
        if (confirm !== true) {
          const reset = t('Reset');
          const answer = await vscode.window.showWarningMessage(t('Clear all lecture and walkthrough progress (sections read, checks answered, demos run)?'), { modal: true }, reset);
          if (answer !== reset) return false;
        }
        await progress.reset();
        void vscode.window.showInformationMessage(t('LLM Lab progress was reset.'));
        return true;
      },
    },
    {
      id: 'llmLab.exportProgress',
      run: async (target?: unknown) => {
        const lang = language();
        const report = progressReport(progress.current, content.lecture(lang), content.questions(lang), lang);
        let uri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.file(target) : undefined;
        uri ??= await vscode.window.showSaveDialog({
          defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir()), 'llm-lab-progress.md'),
          filters: { Markdown: ['md'] },
          saveLabel: t('Export'),
        });
        if (!uri) return undefined;
        await vscode.workspace.fs.writeFile(uri, Buffer.from(report, 'utf8'));
        void vscode.window.showInformationMessage(t('Progress report saved to {0}.', uri.fsPath));
        return uri.fsPath;
      },
    },
  ];
  registerCommands(context, commands);
  return { content, tree };
}
