import * as vscode from 'vscode';
import { Disposable } from '../core/disposable';
import { t } from '../core/l10n';
import { parsePromptFile, type ParsedPromptFile, type PromptFileDiagnostic } from './promptFile';

export const PROMPT_FILE_SELECTOR: vscode.DocumentFilter[] = [{ pattern: '**/*.prompt.md' }];

export function isPromptFile(document: vscode.TextDocument): boolean {
  return /\.prompt\.md$/i.test(document.uri.path);
}

function toDiagnostic(d: PromptFileDiagnostic): vscode.Diagnostic {
  const range = new vscode.Range(d.line, d.column, d.endLine, Math.max(d.endColumn, d.line === d.endLine ? d.column + 1 : d.endColumn));
  const diagnostic = new vscode.Diagnostic(range, d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  diagnostic.source = 'LLM Lab';
  diagnostic.code = d.code;
  return diagnostic;
}

/** "▶ Run prompt" / "Run ×5 (self-consistency)" above each prompt file, and its front-matter diagnostics. */
export class PromptFileSupport extends Disposable implements vscode.CodeLensProvider {
  readonly diagnostics = this.register(vscode.languages.createDiagnosticCollection('llmLab.promptFile'));
  private readonly lensesChanged = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly log: (message: string) => void) {
    super();
    this.register(vscode.languages.registerCodeLensProvider(PROMPT_FILE_SELECTOR, this));
    this.register(vscode.workspace.onDidOpenTextDocument((doc) => this.check(doc)));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)));
    this.register(vscode.workspace.onDidCloseTextDocument((doc) => this.diagnostics.delete(doc.uri)));
    this.register({ dispose: () => this.timers.forEach((timer) => clearTimeout(timer)) });
    for (const doc of vscode.workspace.textDocuments) this.check(doc);
  }

  /** Parses and publishes diagnostics; never throws (a broken file is the user's draft, not a crash). */
  check(document: vscode.TextDocument): ParsedPromptFile | undefined {
    if (!isPromptFile(document)) return undefined;
    try {
      const parsed = parsePromptFile(document.getText());
      this.diagnostics.set(document.uri, parsed.diagnostics.map(toDiagnostic));
      return parsed;
    } catch (error) {
      this.log(`prompt file ${document.uri.toString()}: ${String(error)}`);
      this.diagnostics.set(document.uri, [new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), t('This prompt file could not be read: {0}', String(error)), vscode.DiagnosticSeverity.Error)]);
      return undefined;
    }
  }

  private schedule(document: vscode.TextDocument): void {
    if (!isPromptFile(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.check(document);
        this.lensesChanged.fire();
      }, 150),
    );
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!isPromptFile(document)) return [];
    const range = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(range, { title: t('▶ Run prompt'), command: 'llmLab.runPromptFile', arguments: [document.uri], tooltip: t('Send this prompt to the model and show the answer in the playground') }),
      new vscode.CodeLens(range, {
        title: t('Run ×5 (self-consistency)'),
        command: 'llmLab.runPromptFile',
        arguments: [{ uri: document.uri, samples: 5 }],
        tooltip: t('Sample the answer five times and take the majority vote'),
      }),
    ];
  }
}
