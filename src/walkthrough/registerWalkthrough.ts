import * as vscode from 'vscode';
import { Command, registerCommands } from '../core/commands';
import type { ProgressStore } from '../core/progressStore';
import type { Services } from '../core/services';

export const WALKTHROUGH_ID = 'llmlab.llm-lab#llmLab.gettingStarted';

const SAMPLES = new Set(['notes-en.md', 'notes-zh.md', 'attention.py', 'cot.prompt.md']);

export function registerWalkthrough(services: Services, progress: ProgressStore): void {
  const commands: Command[] = [
    {
      id: 'llmLab.openWalkthrough',
      run: async () => {
        const open = () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
        await open();
        retryWhileAnotherWalkthroughShows(open, services);
        // VS Code creates the walkthrough service lazily, on this first open, and registers the steps' listeners
        // a moment to 5 s later (see retryWhileAnotherWalkthroughShows). Mark the steps done before it was
        // listening, again over ~10 s (a replay is idempotent).
        const replayAt = [300, 1000, 2500, 5500, 7000, 10000];
        const replays = replayAt.map(async (at) => {
          await new Promise((resolve) => setTimeout(resolve, at));
          await progress.replay();
        });
        await Promise.all(replays.slice(0, 2));
        void Promise.all(replays.slice(2)).catch((error: unknown) => services.log.warn(`walkthrough replay: ${String(error)}`));
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
          const bundled = vscode.Uri.joinPath(services.context.extensionUri, 'sample-workspace', file);
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
  showOnFirstRun(services);
}

/**
 * Asked before the walkthrough service has registered LLM Lab's walkthrough, VS Code shows its own default one
 * instead: the service registers extension walkthroughs only after asking the experiment service, which it gives up
 * to 5 s (offline, it takes all 5). While the page still shows that other walkthrough (an editor tab VS Code gives
 * no input type, labelled with that walkthrough's title), ask again, one request at a time. Stop for good as soon as
 * the page's label changes (ours is showing: VS Code then labels it with our title or plain "Welcome"), the reader
 * moves to any other editor (the lecture a step opened) or closes the page: a late request would pull the
 * walkthrough back over what the reader just opened, or reopen what they closed.
 */
function retryWhileAnotherWalkthroughShows(open: () => Thenable<unknown>, services: Services): void {
  let settled = false;
  let otherLabel: string | undefined;
  let inFlight = false;
  const timers: ReturnType<typeof setTimeout>[] = [];
  const settle = () => {
    settled = true;
    closeWatch.dispose();
    timers.forEach(clearTimeout);
  };
  const closeWatch = vscode.window.tabGroups.onDidChangeTabs((event) => {
    if (event.closed.some((tab) => tab.input === undefined)) settle();
  });
  const check = (last: boolean) => {
    if (settled) return;
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    otherLabel ??= tab?.label;
    if (!tab || tab.input !== undefined || tab.label.includes('ChatGPT') || tab.label !== otherLabel) {
      settle();
      return;
    }
    if (!inFlight) {
      services.log.info(`walkthrough: VS Code shows "${tab.label}" instead of LLM Lab's walkthrough; asking again`);
      inFlight = true;
      const askedAt = Date.now();
      void Promise.resolve(open()).then(
        () => services.log.info(`walkthrough: asked again, answered in ${Date.now() - askedAt} ms`),
        (error: unknown) => services.log.warn(`walkthrough: ${String(error)}`),
      ).finally(() => (inFlight = false));
    }
    if (last) settle();
  };
  const retryAt = [700, 2000, 3500, 5500, 8000];
  retryAt.forEach((at, index) => timers.push(setTimeout(() => check(index === retryAt.length - 1), at)));
}

const SHOWN_KEY = 'llmLab.walkthroughShown';

/** The walkthrough opens once, the first time LLM Lab activates (and whenever `npm start` asks for it). */
function showOnFirstRun(services: Services): void {
  const { globalState } = services.context;
  const asked = process.env.LLMLAB_OPEN_WALKTHROUGH === '1';
  const underTest = Boolean(process.env.LLMLAB_TEST_RESULTS);
  if ((asked && !underTest) || (!underTest && !globalState.get(SHOWN_KEY))) {
    void globalState.update(SHOWN_KEY, true);
    void vscode.commands.executeCommand('llmLab.openWalkthrough').then(undefined, (error: unknown) => {
      services.log.warn(`could not open the walkthrough: ${String(error)}`);
    });
  }
}
