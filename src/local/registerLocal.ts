/**
 * The vscode side of local models: the models folder under global storage, the engine process, the
 * `local` provider, and the commands downloadLocalModel / removeLocalModel / useGgufFile.
 */
import * as vscode from 'vscode';
import { rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Command, registerCommands } from '../core/commands';
import { Disposable } from '../core/disposable';
import { t } from '../core/l10n';
import type { Services } from '../core/services';
import { GgufError, readGgufFile } from '../gguf/ggufReader';
import type { ChatProvider, LlmService } from '../llm/types';
import { CatalogModel, defaultCatalogModel, findCatalogModel, loadCatalog } from './catalog';
import { EngineClient } from './engineClient';
import { listDownloaded, resolveLocalModel } from './localModels';
import { LocalProvider, LocalSettings } from './localProvider';
import { DownloadError, DownloadResult, ModelDownloader } from './modelDownloader';

export interface DownloadCommandResult {
  ok: boolean;
  path?: string;
  bytes?: number;
  sha256?: string;
  resumes?: number;
  error?: { code: string; message: string };
}

function settings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('llmLab');
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(bytes < 10e6 ? 1 : 0);
}

export class LocalModels extends Disposable {
  readonly dir: string;
  readonly engine: EngineClient;
  private readonly downloader: ModelDownloader;
  private llm: LlmService | undefined;

  constructor(private readonly services: Services) {
    super();
    this.dir = join(services.context.globalStorageUri.fsPath, 'models');
    this.downloader = new ModelDownloader({ dir: this.dir });
    this.engine = new EngineClient({
      entry: join(services.context.extensionPath, 'dist', 'localEngine.mjs'),
      idleUnloadMs: () => Math.max(0, settings().get<number>('local.idleUnloadMinutes', 10)) * 60_000,
      log: (line) => services.log.info(line),
    });
    this.register({ dispose: () => this.engine.dispose() });
    this.register({ dispose: () => this.downloader.cancel() });
  }

  /** `llmLab.cancel` stops a download too. */
  connect(llm: LlmService): void {
    this.llm = llm;
    this.register(llm.onCancelAll(() => (this.downloader.cancel() ? 1 : 0)));
  }

  /** The configured (or first downloaded) model as a provider; undefined when none is on disk. */
  provider(): Promise<ChatProvider | undefined> {
    const model = resolveLocalModel(settings().get<string>('local.model', ''), this.dir);
    return Promise.resolve(model && new LocalProvider(this.engine, model, () => this.localSettings()));
  }

  private localSettings(): LocalSettings {
    const s = settings();
    return { threads: s.get<number>('local.threads', 0), contextSize: Math.max(256, s.get<number>('local.contextSize', 4096)) };
  }

  commands(): Command[] {
    return [
      { id: 'llmLab.downloadLocalModel', run: (arg?: unknown) => this.downloadCommand(arg) },
      { id: 'llmLab.removeLocalModel', run: (arg?: unknown) => this.removeCommand(arg) },
      { id: 'llmLab.useGgufFile', run: (arg?: unknown) => this.useFileCommand(arg) },
    ];
  }

  private async pickCatalogModel(): Promise<CatalogModel | undefined> {
    const catalog = loadCatalog();
    const have = new Set(listDownloaded(this.dir).map((m) => m.id));
    type Item = vscode.QuickPickItem & { model: CatalogModel };
    const items: Item[] = catalog.models.map((m) => ({
      model: m,
      label: `${have.has(m.id) ? '$(check) ' : ''}${m.name}`,
      description: `${m.sizeApproximate ? '≈' : ''}${m.sizeMB} MB · ${t('needs ≈{0} GB RAM', (m.ramMB / 1000).toFixed(1))}${m.id === catalog.default ? ` · ${t('recommended')}` : ''}`,
      detail: `${m.note} ${t('Languages: {0}. License: {1}. Context: {2} tokens.', m.languages.join(', '), m.license, m.contextLength)}`,
    }));
    const picked = await vscode.window.showQuickPick(items, { title: t('LLM Lab: Download a Small Model'), placeHolder: t('LLM Lab runs the model itself (llama.cpp, on the CPU). Nothing is downloaded until you choose.'), ignoreFocusOut: true });
    return picked?.model;
  }

  private async downloadCommand(arg: unknown): Promise<DownloadCommandResult> {
    let request: { url: string; fileName: string; sha256?: string; expectedBytes?: number; id?: string; label: string };
    if (typeof arg === 'string' || arg === undefined || arg === null) {
      const model = typeof arg === 'string' ? (arg === 'default' ? defaultCatalogModel() : findCatalogModel(arg)) : await this.pickCatalogModel();
      if (!model) {
        if (typeof arg !== 'string') return { ok: false, error: { code: 'cancelled', message: t('Cancelled.') } };
        const message = t('No model “{0}” in the catalog (known: {1}).', arg, loadCatalog().models.map((m) => m.id).join(', '));
        void vscode.window.showErrorMessage(message);
        return { ok: false, error: { code: 'badUrl', message } };
      }
      request = { url: model.url, fileName: model.file, sha256: model.sha256, expectedBytes: model.sizeMB * 1e6, id: model.id, label: model.name };
    } else if (typeof arg === 'object' && typeof (arg as { url?: unknown }).url === 'string') {
      const { url, name } = arg as { url: string; name?: unknown };
      let fileName = typeof name === 'string' && name.trim() ? name.trim() : basename(new URL(url, 'http://x').pathname);
      if (!fileName.toLowerCase().endsWith('.gguf')) fileName += '.gguf';
      request = { url, fileName, label: fileName };
    } else {
      const message = t('The argument must be a catalog id or {"url": …}.');
      return { ok: false, error: { code: 'badUrl', message } };
    }

    let result: DownloadResult;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: t('Downloading {0}', request.label), cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          let reported = 0;
          return this.downloader.download(request, {
            signal: abort.signal,
            onProgress: (p) => {
              const fraction = p.total ? p.received / p.total : 0;
              const eta = p.etaSeconds === undefined ? '' : p.etaSeconds > 90 ? t(' · {0} min left', Math.ceil(p.etaSeconds / 60)) : t(' · {0} s left', Math.ceil(p.etaSeconds));
              const message = p.total
                ? t('{0} of {1} MB · {2} MB/s{3}', mb(p.received), mb(p.total), mb(p.bytesPerSecond), eta)
                : t('{0} MB · {1} MB/s', mb(p.received), mb(p.bytesPerSecond));
              progress.report({ message, increment: Math.max(0, fraction * 100 - reported) });
              reported = Math.max(reported, fraction * 100);
            },
          });
        },
      );
    } catch (error) {
      const failure = error instanceof DownloadError ? error : new DownloadError('network', String((error as Error)?.message ?? error));
      this.services.log.warn(`download ${request.url}: ${failure.code}: ${failure.message}`);
      if (failure.code !== 'cancelled') void vscode.window.showErrorMessage(failure.message);
      return { ok: false, error: { code: failure.code, message: failure.message } };
    }
    this.services.log.info(`download ${request.url}: ${result.bytes} bytes, sha256 ${result.sha256} (checked: ${result.hashChecked}, resumes ${result.resumes}, restarts ${result.restarts})`);
    // Use the new model: catalog models by id, others by path (machine-scoped, so in user settings).
    await settings().update('local.model', request.id ?? result.path, vscode.ConfigurationTarget.Global);
    void vscode.window.showInformationMessage(t('{0} is ready ({1} MB). LLM Lab runs it itself when no other model is set up.', request.label, mb(result.bytes)), t('Run a Demo')).then((choice) => {
      if (choice) void vscode.commands.executeCommand('llmLab.runDemo');
    });
    return { ok: true, path: result.path, bytes: result.bytes, sha256: result.sha256, resumes: result.resumes };
  }

  private async removeCommand(arg: unknown): Promise<{ ok: boolean; removed?: string; error?: string }> {
    const a = (typeof arg === 'object' && arg ? arg : {}) as { id?: unknown; path?: unknown; confirm?: unknown };
    const wanted = typeof arg === 'string' ? arg : typeof a.id === 'string' ? a.id : typeof a.path === 'string' ? a.path : undefined;
    const downloaded = listDownloaded(this.dir);
    let target = wanted ? downloaded.find((m) => m.id === wanted || m.name === wanted || resolve(m.path) === resolve(wanted)) : undefined;
    if (!wanted) {
      if (!downloaded.length) {
        void vscode.window.showInformationMessage(t('No downloaded models.'));
        return { ok: false, error: 'none' };
      }
      const picked = await vscode.window.showQuickPick(
        downloaded.map((m) => ({ label: m.name, description: `${mb(m.bytes)} MB`, model: m })),
        { title: t('LLM Lab: Remove a Downloaded Model') },
      );
      target = picked?.model;
      if (!target) return { ok: false, error: 'cancelled' };
    }
    if (!target) {
      const message = t('“{0}” is not a downloaded model (only files LLM Lab downloaded can be removed).', wanted ?? '');
      void vscode.window.showErrorMessage(message);
      return { ok: false, error: message };
    }
    if (a.confirm !== false) {
      const remove = t('Remove');
      const answer = await vscode.window.showWarningMessage(t('Delete {0} ({1} MB) from this computer?', target.name, mb(target.bytes)), { modal: true }, remove);
      if (answer !== remove) return { ok: false, error: 'cancelled' };
    }
    // The engine maps the file; stop it before deleting (Windows would refuse, others would keep the memory).
    if (this.engine.model?.path === target.path) await this.engine.stop();
    await rm(target.path, { force: true });
    await rm(`${target.path}.part`, { force: true });
    await rm(`${target.path}.part.json`, { force: true });
    const current = settings().get<string>('local.model', '');
    if (current && (current === target.id || resolve(current) === resolve(target.path))) {
      await settings().update('local.model', undefined, vscode.ConfigurationTarget.Global);
    }
    this.services.log.info(`removed local model ${target.path}`);
    return { ok: true, removed: target.path };
  }

  private async useFileCommand(arg: unknown): Promise<{ ok: boolean; path?: string; architecture?: string; contextLength?: number; error?: string }> {
    let path = typeof arg === 'string' ? arg : (arg as { path?: string } | undefined)?.path;
    if (!path) {
      const uris = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { [t('GGUF models')]: ['gguf'] }, title: t('LLM Lab: Use a GGUF File') });
      path = uris?.[0]?.fsPath;
      if (!path) return { ok: false, error: 'cancelled' };
    }
    path = resolve(path);
    try {
      const header = readGgufFile(path, { maxArrayItems: 64 });
      await settings().update('local.model', path, vscode.ConfigurationTarget.Global);
      void vscode.window.showInformationMessage(t('LLM Lab will run {0} ({1}) itself.', basename(path), header.architecture ?? '?'));
      return { ok: true, path, architecture: header.architecture, contextLength: header.contextLength };
    } catch (error) {
      const message = error instanceof GgufError ? t('{0} is not a usable GGUF model: {1}', basename(path), error.message) : t('Cannot read {0}: {1}', path, (error as Error).message);
      void vscode.window.showErrorMessage(message);
      return { ok: false, error: message };
    }
  }
}

export function registerLocal(services: Services): LocalModels {
  const local = new LocalModels(services);
  services.context.subscriptions.push(local);
  registerCommands(services.context, local.commands());
  return local;
}
