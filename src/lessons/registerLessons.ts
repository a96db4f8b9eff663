import * as vscode from 'vscode';
import { join } from 'node:path';
import { registerCommands } from '../core/commands';
import { language } from '../core/l10n';
import type { Services } from '../core/services';
import { BuiltinProvider } from './builtinProvider';
import { createNgramSource, type NgramSource } from './ngramSource';
import { tokenizeCommand } from './tokenizeCommand';
import { TokenizerClient } from './tokenizerClient';
import { createTokenizerPanels } from './tokenizerPanel';
import { createWidgetRequestHandler, type WidgetRequestDeps, type WidgetRequestHandler } from './widgetRequestHandler';

export interface LessonsCapability {
  /** The built-in n-gram model as a ChatProvider (id 'builtin'), for runDemo's provider 'builtin' and fallbacks. */
  builtinProvider: BuiltinProvider;
  /** Answers widget requests from any page that shows widgets (the lecture's, the tokenizer's). */
  widgetHandler: WidgetRequestHandler;
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

  const widgetHandler = createWidgetRequestHandler(deps);
  const tokenizerPanel = createTokenizerPanels(services, widgetHandler);
  services.context.subscriptions.push(tokenizerPanel.panels);
  registerCommands(services.context, [tokenizeCommand(services, deps, tokenizerPanel.show)]);
  return { builtinProvider, widgetHandler, ngram };
}
