import type * as vscode from 'vscode';

/** Owns registrations; everything register()ed is disposed with it. */
export class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  protected register<T extends vscode.Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.owned.push(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    while (this.owned.length) {
      try {
        this.owned.pop()?.dispose();
      } catch {
        // one failing disposal must not keep the others alive
      }
    }
  }
}
