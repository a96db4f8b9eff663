import * as vscode from 'vscode';
import type { Command } from '../core/commands';
import { t } from '../core/l10n';
import type { Services } from '../core/services';
import { MAX_COMMAND_TEXT, parseTokenizeArgs } from './tokenizeArgs';
import { tokenize, type TokenizeResult } from './tokenizer';
import { DEFAULT_ENCODING, type EncodingName } from './tokenizerInfo';
import type { WidgetRequestDeps } from './widgetRequestHandler';

/** `show` opens the tokenizer panel with the text (createTokenizerPanels). */
export function tokenizeCommand(services: Services, deps: WidgetRequestDeps, show: (text: string, encoding: EncodingName) => void): Command {
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
      // In the tokenizer's worker (deps.tokenize): a million characters must not freeze the editor.
      const run = (): Promise<TokenizeResult> => (deps.tokenize ?? tokenize)(text, encoding);
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: t('Splitting {0} characters into tokens…', text.length) }, run);
      services.log.info(`tokenize: ${result.count} ${encoding} tokens for ${text.length} characters`);
      if (args.showUi) show(text, encoding);
      return result;
    },
  };
}
