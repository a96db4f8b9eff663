import * as vscode from 'vscode';

/** A command in its capability's folder; registered in one place by extension.ts. */
export interface Command {
  readonly id: string;
  run(...args: unknown[]): unknown;
}

export function registerCommands(context: vscode.ExtensionContext, commands: readonly Command[]): void {
  for (const command of commands) {
    context.subscriptions.push(vscode.commands.registerCommand(command.id, (...args: unknown[]) => command.run(...args)));
  }
}
