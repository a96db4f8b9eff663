import * as vscode from 'vscode';
import { registerCommands, type Command } from '../core/commands';
import { language, t } from '../core/l10n';
import type { Services } from '../core/services';
import type { LectureContent } from '../lecture/lectureContent';
import type { ChatProvider } from '../llm/types';
import { DemoController, type DemoLlm } from './demoController';
import { demoIdOf, parseRunDemoArg, promptFileText, SELECTION_LIMIT, selectionDefinition, selectionRun, type SelectionAction } from './demoCommandArgs';
import { DemoTreeProvider } from './demoTree';
import type { CodeLanguage, DemoResult } from './demoTypes';
import type { ProgramSandbox } from './codeSandbox';
import { createPlaygroundPanels, type PlaygroundPanel } from './playgroundPanel';
import { definitionFromPromptFile, hasErrors, parsePromptFile } from './promptFile';
import { PromptFileSupport } from './promptFileSupport';

export interface RegisterDemosOptions {
  /** The built-in n-gram model (registerLessons' `builtinProvider`). */
  builtin: ChatProvider;
  /** The compiled lecture (registerLecture's `content`, read once for both). */
  content: LectureContent;
  /** The Program Sandbox view (registerSandbox). */
  sandbox: () => ProgramSandbox & { warm(language: CodeLanguage): Promise<void> };
}

function invalid(demoId: string, message: string): DemoResult {
  return { demoId, ok: false, provider: 'none', model: '', runs: [], error: { kind: 'invalidInput', message } };
}

/**
 * Demos: `llmLab.runDemo`, the playground, the selection commands, prompt files (CodeLens, diagnostics,
 * `llmLab.runPromptFile`), "Open demo as prompt file" and the `llmLab.demos` tree.
 */
export function registerDemos(services: Services, llm: DemoLlm, options: RegisterDemosOptions): void {
  const { context } = services;
  const controller = new DemoController(services, llm, () => options.builtin, options.content, options.sandbox);
  const tree = new DemoTreeProvider(controller);
  const prompts = new PromptFileSupport((line) => services.log.warn(line));
  const playground = createPlaygroundPanels(services, controller);
  context.subscriptions.push(
    controller,
    tree,
    prompts,
    vscode.window.registerTreeDataProvider('llmLab.demos', tree),
    playground.panels,
    services.language.onDidChangeLanguage(() => tree.refresh()),
  );

  const pickDemo = async (placeHolder: string): Promise<string | undefined> => {
    type Item = vscode.QuickPickItem & { id?: string };
    const items: Item[] = [];
    let part: string | undefined;
    for (const d of controller.demoList()) {
      if (d.part !== part) {
        items.push({ label: d.partTitle, kind: vscode.QuickPickItemKind.Separator });
        part = d.part;
      }
      items.push({ label: d.title, description: d.builtin ? t('works offline') : undefined, detail: d.summary, id: d.id });
    }
    const chosen = await vscode.window.showQuickPick(items, { title: t('LLM Lab: Run Demo'), placeHolder, matchOnDetail: true });
    return chosen?.id;
  };

  const showPanel = (def: Parameters<DemoController['demoView']>[0], adhocLabel?: string): PlaygroundPanel =>
    playground.show(controller.demoView(def, adhocLabel), adhocLabel !== undefined);

  const runDemoCommand = async (arg?: unknown): Promise<DemoResult | undefined> => {
    const parsed = parseRunDemoArg(arg);
    let request;
    if (parsed.kind === 'pick') {
      const id = await pickDemo(t('Which experiment? Each runs against your model and shows in the playground.'));
      if (!id) return undefined;
      request = { id, showUi: true };
    } else if (parsed.kind === 'invalid') {
      services.log.warn(`runDemo: ${parsed.message}`);
      return invalid(parsed.id, parsed.message);
    } else request = parsed.request;
    const def = controller.definition(request.id);
    if (!def) return invalid(request.id, t('Unknown demo "{0}".', request.id));
    const listener = request.showUi ? showPanel(def) : undefined;
    const live = await controller.start(
      def,
      { model: request.model, provider: request.provider, temperature: request.temperature, samples: request.samples },
      { listener, recordProgress: true, notify: true },
    );
    return live.done;
  };

  const selectionCommand = (action: SelectionAction, id: string): Command => ({
    id,
    run: async () => {
      const editor = vscode.window.activeTextEditor;
      const text = editor ? editor.selections.map((s) => editor.document.getText(s)).join('\n').trim() : '';
      if (!text) {
        void vscode.window.showInformationMessage(t('Select some text in an editor first: it becomes the question the model gets.'));
        return undefined;
      }
      if (text.length > SELECTION_LIMIT) {
        void vscode.window.showWarningMessage(t('The selection is too long ({0} characters); select at most {1}.', text.length, SELECTION_LIMIT));
        return undefined;
      }
      const { demoId, runId } = selectionRun(action, text);
      const title = {
        summarize: t('TL;DR of the selection'),
        translate: runId === 'zh-to-en' ? t('Translate the selection (Chinese → English)') : t('Translate the selection (English → Chinese)'),
        explain: t('Explain the selection step by step'),
      }[action];
      const base = controller.definition(demoId);
      const def = base && selectionDefinition(base, runId, text, title);
      if (!def) return invalid(demoId, t('Unknown demo "{0}".', demoId));
      const panel = showPanel(def, title);
      const live = await controller.start(def, {}, { title, listener: panel, notify: true });
      return live.done;
    },
  });

  const runPromptFile = async (arg?: unknown): Promise<DemoResult | undefined> => {
    let uri: vscode.Uri | undefined;
    let samples: number | undefined;
    if (arg instanceof vscode.Uri) uri = arg;
    else if (typeof arg === 'string' && arg) uri = /^[a-z][\w+.-]*:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg) ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
    else if (typeof arg === 'object' && arg !== null) {
      const a = arg as { uri?: unknown; samples?: unknown };
      if (a.uri instanceof vscode.Uri) uri = a.uri;
      else if (typeof a.uri === 'string') uri = vscode.Uri.parse(a.uri);
      if (typeof a.samples === 'number' && Number.isInteger(a.samples) && a.samples >= 1 && a.samples <= 20) samples = a.samples;
    }
    uri ??= vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showInformationMessage(t('Open a prompt file (*.prompt.md) first.'));
      return undefined;
    }
    let document: vscode.TextDocument;
    try {
      document = await vscode.workspace.openTextDocument(uri);
    } catch (error) {
      const message = t('Could not open {0}: {1}', uri.toString(), error instanceof Error ? error.message : String(error));
      void vscode.window.showErrorMessage(message);
      return invalid('prompt-file', message);
    }
    const parsed = prompts.check(document) ?? parsePromptFile(document.getText());
    const title = uri.path.split('/').pop() ?? 'prompt';
    if (hasErrors(parsed) || !parsed.body.trim()) {
      const problems = parsed.diagnostics.filter((d) => d.severity === 'error' || d.code === 'emptyBody');
      const first = problems[0];
      const message = first
        ? t('{0} was not run: line {1}: {2}', title, first.line + 1, first.message)
        : t('{0} was not run: the prompt is empty.', title);
      void vscode.window.showErrorMessage(message, t('Show Problems')).then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.actions.view.problems');
      });
      return invalid('prompt-file', message);
    }
    const def = definitionFromPromptFile(parsed, { title, lang: language(), temperature: services.config.temperature, samples });
    const panel = showPanel(def, title);
    const live = await controller.start(def, { model: parsed.options.model }, { title, listener: panel, notify: true });
    return live.done;
  };

  const openDemoAsPromptFile = async (arg?: unknown): Promise<string | undefined> => {
    const id = demoIdOf(arg) ?? (await pickDemo(t('Which demo should become a prompt file?')));
    if (!id) return undefined;
    const def = controller.definition(id);
    if (!def) {
      void vscode.window.showErrorMessage(t('Unknown demo "{0}".', id));
      return undefined;
    }
    const codeLanguage = await controller.codeLanguage();
    const runs = def.runs.filter((r) => r.program === undefined || r.program === codeLanguage);
    let runId = runs[0]?.id;
    if (runs.length > 1) {
      const chosen = await vscode.window.showQuickPick(
        runs.map((r) => ({ label: r.label, id: r.id })),
        { title: t('Open Demo as Prompt File'), placeHolder: t('Which of the demo’s prompts?') },
      );
      if (!chosen) return undefined;
      runId = chosen.id;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `${id}${runId && runs.length > 1 ? `-${runId}` : ''}.prompt.md`;
    const uri = folder ? vscode.Uri.joinPath(folder, name).with({ scheme: 'untitled' }) : vscode.Uri.parse(`untitled:${name}`);
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    const text = promptFileText(def, runId, codeLanguage);
    await editor.edit((edit) => edit.replace(new vscode.Range(0, 0, document.lineCount, 0), text));
    prompts.check(document);
    return uri.toString();
  };

  registerCommands(context, [
    { id: 'llmLab.runDemo', run: runDemoCommand },
    {
      id: 'llmLab.openPlayground',
      run: (arg?: unknown) => {
        const id = demoIdOf(arg);
        const def = id ? controller.definition(id) : undefined;
        playground.show(def ? controller.demoView(def) : undefined);
        return true;
      },
    },
    selectionCommand('summarize', 'llmLab.summarizeSelection'),
    selectionCommand('translate', 'llmLab.translateSelection'),
    selectionCommand('explain', 'llmLab.explainSelectionStepByStep'),
    { id: 'llmLab.runPromptFile', run: runPromptFile },
    { id: 'llmLab.openDemoAsPromptFile', run: openDemoAsPromptFile },
  ]);
}
