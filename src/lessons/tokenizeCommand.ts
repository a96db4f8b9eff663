import * as vscode from 'vscode';
import type { Command } from '../core/commands';
import { t } from '../core/l10n';
import type { Services } from '../core/services';
import { MAX_COMMAND_TEXT, parseTokenizeArgs } from './tokenizeArgs';
import { isEncodingLoaded, tokenize, type TokenizeResult } from './tokenizer';
import { DEFAULT_ENCODING } from './tokenizerInfo';
import { TokenizerPanel } from './tokenizerPanel';
import type { WidgetRequestDeps } from './widgetRequestHandler';

export function tokenizeCommand(services: Services, deps: WidgetRequestDeps): Command {
  return {
    id: 'llmLab.tokenize',
    run: async (arg?: unknown): Promise<TokenizeResult | undefined> => {
      let args = parseTokenizeArgs(arg);
      if (!args) {
        const editor = vscode.window.activeTextEditor;
        const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
        const text = selected || (await vscode.window.showInputBox({ ignoreFocusOut: true, prompt: t('Text to split into tokens'), placeHolder: t('e.g. 哈尔滨是一座美丽城市。 Harbin is a beautiful city.') }));
        if (text === undefined) return undefined;
        args = { text, encoding: DEFAULT_ENCODING, showUi: true };
      }
      if (args.text.length > MAX_COMMAND_TEXT) {
        const message = t('The text is too long to tokenize here ({0} characters; the limit is {1}).', args.text.length, MAX_COMMAND_TEXT);
        if (args.showUi) void vscode.window.showErrorMessage(message);
        throw new RangeError(message);
      }
      const { text, encoding } = args;
      const result = isEncodingLoaded(encoding)
        ? await tokenize(text, encoding)
        : await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: t('Loading the {0} vocabulary…', encoding) }, () => tokenize(text, encoding));
      services.log.info(`tokenize: ${result.count} ${encoding} tokens for ${text.length} characters`);
      if (args.showUi) TokenizerPanel.show(services, deps, text, encoding);
      return result;
    },
  };
}
