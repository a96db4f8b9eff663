import * as vscode from 'vscode';
import { join } from 'node:path';
import { registerCommands } from '../core/commands';
import { language } from '../core/l10n';
import type { Services } from '../core/services';
import type { WidgetResponse } from '../webview/widgetMessages';
import { BuiltinProvider } from './builtinProvider';
import { createNgramSource, type NgramSource } from './ngramSource';
import { tokenizeCommand } from './tokenizeCommand';
import { TokenizerClient } from './tokenizerClient';
import { TOKENIZER_VIEW_TYPE, TokenizerPanel } from './tokenizerPanel';
import { createWidgetRequestHandler, type WidgetRequestDeps } from './widgetRequestHandler';

export interface LessonsCapability {
  /** The built-in n-gram model as a ChatProvider (id 'builtin'), for runDemo's provider 'builtin' and fallbacks. */
  builtinProvider: BuiltinProvider;
  /** Answers widget requests from any webview (set LecturePanel.widgetHandler to it). */
  widgetHandler: (payload: unknown) => Promise<WidgetResponse>;
  ngram: NgramSource;
}

/** Registers llmLab.tokenize and the tokenizer panel; nothing heavy happens here (ranks and the model load on use). */
export function registerLessons(services: Services): LessonsCapability {
  const modelPath = join(services.contentDir, 'ngram.json');
  const ngram = createNgramSource(async () => JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(modelPath)))));
  const tokenizer = new TokenizerClient(join(services.context.extensionPath, 'dist', 'tokenizerWorker.js'));
  services.context.subscriptions.push(tokenizer);
  const deps: WidgetRequestDeps = { ngram: (lang) => ngram.model(lang), tokenize: (text, encoding) => tokenizer.tokenize(text, encoding) };
  const builtinProvider = new BuiltinProvider(ngram, language);

  services.context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(TOKENIZER_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => TokenizerPanel.revive(panel, services, deps),
    }),
    { dispose: () => TokenizerPanel.instance?.dispose() },
  );
  registerCommands(services.context, [tokenizeCommand(services, deps)]);
  return { builtinProvider, widgetHandler: createWidgetRequestHandler(deps), ngram };
}
