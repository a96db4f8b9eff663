import * as vscode from 'vscode';
import { Command, registerCommands } from '../core/commands';
import { t } from '../core/l10n';
import type { Services } from '../core/services';

export const WALKTHROUGH_ID = 'llmlab.llm-lab#llmLab.gettingStarted';

const SAMPLES = new Set(['notes-en.md', 'notes-zh.md', 'attention.py', 'cot.prompt.md']);

export function registerWalkthrough(services: Services): void {
  const commands: Command[] = [
    {
      id: 'llmLab.openWalkthrough',
      run: async () => {
        await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
        return true;
      },
    },
    {
      // Opens one of the sample files (walkthrough steps): from the workspace if it has it, else a read-only copy.
      id: 'llmLab.openSample',
      run: async (name?: unknown) => {
        const file = typeof name === 'string' && SAMPLES.has(name) ? name : 'notes-en.md';
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        let uri: vscode.Uri | undefined;
        if (folder) {
          const candidate = vscode.Uri.joinPath(folder, file);
          try {
            await vscode.workspace.fs.stat(candidate);
            uri = candidate;
          } catch {
            uri = undefined;
          }
        }
        if (!uri) {
          const bundled = vscode.Uri.joinPath(services.context.extensionUri, 'walkthroughs', 'samples', file);
          const bytes = await vscode.workspace.fs.readFile(bundled);
          const language = file.endsWith('.py') ? 'python' : 'markdown';
          const doc = await vscode.workspace.openTextDocument({ language, content: Buffer.from(bytes).toString('utf8') });
          await vscode.window.showTextDocument(doc, { preview: false });
          return doc.uri.toString();
        }
        await vscode.window.showTextDocument(uri, { preview: false });
        return uri.toString();
      },
    },
  ];
  registerCommands(services.context, commands);
  void t;
}
