import * as vscode from 'vscode';
import { Command, registerCommands } from '../core/commands';
import { Config } from '../core/config';
import { Disposable } from '../core/disposable';
import { t } from '../core/l10n';
import type { Services } from '../core/services';
import { AutoDetector, Probe } from './autoDetect';
import { collectChat } from './collect';
import { failedTest, testProvider } from './connectionTest';
import { describeError } from './errorMessages';
import { createLlmError, hostOf, toLlmError } from './errors';
import { HttpClient, originOf } from './http';
import { OLLAMA_DEFAULT_URL } from './ollama/ollamaProvider';
import { resolveProvider } from './providerResolver';
import { RunRegistry } from './runRegistry';
import { ApiKeyStore, clearApiKeyCommand, setApiKeyCommand } from './secrets';
import { ConnectionState, statusText } from './statusText';
import {
  ChatProvider,
  ChatRequest,
  ChatResult,
  ConnectionTestResult,
  ErrorAction,
  LlmError,
  LlmService,
  ProviderId,
  StreamOptions,
} from './types';
import { editorModels, VscodeLmProvider } from './vscodeLm/vscodeLmProvider';

export interface RegisterLlmOptions {
  /** Servers `auto` probes (default: Ollama :11434, LM Studio :1234, llama.cpp :8080, vLLM :8000). */
  probes?: () => Probe[];
  /** A downloaded GGUF model LLM Lab runs itself (src/local); `auto` uses it after editor models and servers. */
  localProvider?: () => Promise<ChatProvider | undefined>;
}

function shortName(provider: ChatProvider): string {
  return provider.shortLabel ?? provider.label;
}

class LlmServiceImpl extends Disposable implements LlmService {
  private readonly config: Config;
  private readonly keys: ApiKeyStore;
  private readonly http: HttpClient;
  private readonly detector: AutoDetector;
  private readonly runs: RunRegistry;
  private readonly statusItem: vscode.StatusBarItem;
  private status: ConnectionState;
  private lastModel: string | undefined;
  private quietTimer: NodeJS.Timeout | undefined;
  private connectedRecorded = false;

  constructor(
    private readonly services: Services,
    private readonly options: RegisterLlmOptions,
  ) {
    super();
    this.config = services.config;
    this.keys = this.register(new ApiKeyStore(services.context.secrets, services.log, services.context.globalState));
    this.http = new HttpClient({
      timeoutMs: () => this.config.requestTimeoutMs,
      maxResponseBytes: () => this.config.maxResponseBytes,
      credentials: () => ({ apiKey: this.keys.current, origin: originOf(this.config.baseUrl) }),
      key: () => this.keys.readState(),
      log: (line) => services.log.info(line),
    });
    this.detector = new AutoDetector({
      http: this.http,
      probes: options.probes,
      hasEditorModels: async () => (await editorModels()).length > 0,
    });
    this.runs = new RunRegistry((running) => {
      void vscode.commands.executeCommand('setContext', 'llmLab.requestRunning', running > 0);
      if (running > 0) this.setStatus({ state: 'running', provider: this.providerName(), model: this.lastModel });
      else if (this.status.state === 'running') this.setStatus({ state: 'connected', provider: this.providerName(), model: this.lastModel });
    });
    this.statusItem = this.register(vscode.window.createStatusBarItem('llmLab.model', vscode.StatusBarAlignment.Right, 100));
    this.statusItem.name = t('LLM Lab model');
    this.statusItem.command = 'llmLab.selectModel';
    this.status = { state: 'unknown', provider: this.config.provider };
    this.setStatus(this.status);
    this.statusItem.show();
    this.register({ dispose: () => clearTimeout(this.quietTimer) });

    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (['provider', 'baseUrl', 'model', 'local.model'].some((key) => Config.affects(event, key))) {
          this.detector.invalidate();
          this.scheduleQuietCheck(300);
        }
      }),
    );
    this.register(vscode.lm.onDidChangeChatModels(() => this.detector.invalidate()));
    this.register(this.keys.onDidChange(() => this.scheduleQuietCheck(300)));
    // A quiet look for a model shortly after start-up, off the activation path.
    this.scheduleQuietCheck(2000);
  }

  commands(): Command[] {
    return [
      { id: 'llmLab.testConnection', run: () => this.testConnectionCommand() },
      { id: 'llmLab.selectModel', run: () => this.selectModelCommand() },
      { id: 'llmLab.cancel', run: () => this.cancelAll() },
      setApiKeyCommand(this.keys, () => this.detector.invalidate()),
      clearApiKeyCommand(this.keys, () => this.detector.invalidate()),
    ];
  }

  async resolveProvider(opts: { provider?: ProviderId | 'auto'; baseUrl?: string; signal?: AbortSignal } = {}): Promise<ChatProvider> {
    // The API key is not waited for here: the HTTP client waits for it right before a request it may go with.
    return resolveProvider(
      opts,
      { provider: this.config.provider, baseUrl: this.config.baseUrl, model: this.config.model },
      {
        http: this.http,
        detector: this.detector,
        editorProvider: async (model) => {
          const models = await editorModels();
          return models.length ? new VscodeLmProvider(models, model, () => this.config.requestTimeoutMs) : undefined;
        },
        localProvider: this.options.localProvider,
      },
      opts.signal ?? new AbortController().signal,
    );
  }

  async stream(request: ChatRequest, options: StreamOptions = {}): Promise<ChatResult> {
    const run = this.runs.start(options.runKey, options.signal);
    const log = this.services.log;
    let provider: ChatProvider | undefined;
    try {
      if (!request.messages?.length) throw createLlmError({ kind: 'invalidInput', reason: 'noMessages' });
      provider =
        typeof options.provider === 'object'
          ? options.provider
          : await this.resolveProvider({ provider: options.provider, baseUrl: options.baseUrl, signal: run.signal });
      const filled: ChatRequest = {
        ...request,
        model: request.model || provider.defaultModel,
        temperature: request.temperature ?? this.config.temperature,
        maxTokens: request.maxTokens ?? this.config.maxTokens,
      };
      this.lastModel = filled.model;
      this.setStatus({ state: 'running', provider: shortName(provider), model: filled.model });
      log.info(`run ${run.id}: ${provider.label} model=${filled.model ?? '(first listed)'} messages=${filled.messages.length}`);
      const result = await collectChat(provider, provider.chat(filled, run.signal), options.onEvent, (error) =>
        log.warn(`run ${run.id}: an event listener failed: ${String(error)}`),
      );
      log.info(`run ${run.id}: done in ${result.totalMs} ms (first token ${result.ttftMs ?? '-'} ms, ${result.tokensPerSecond ?? '-'} tokens/s, finish ${result.finishReason ?? '-'})`);
      this.lastModel = result.model ?? filled.model;
      this.setStatus({ state: 'connected', provider: shortName(provider), model: this.lastModel });
      // Progress (a write, context keys, listeners) is not what the caller waits for: recorded after it has the result.
      if (!this.connectedRecorded) setImmediate(() => this.recordConnected());
      return result;
    } catch (error) {
      const failure = toLlmError(error, { url: provider?.baseUrl, provider: provider?.id });
      if (failure.kind === 'cancelled') log.info(`run ${run.id}: cancelled`);
      else {
        log.warn(`run ${run.id}: ${failure.kind}${failure.details.reason ? ` (${failure.details.reason})` : ''}: ${failure.message}`);
        this.showStatusError(failure, provider);
      }
      throw failure;
    } finally {
      run.dispose();
    }
  }

  async testConnection(signal?: AbortSignal): Promise<ConnectionTestResult> {
    return (await this.check(signal ?? new AbortController().signal)).result;
  }

  private readonly cancelHooks = new Set<() => number>();

  onCancelAll(hook: () => number): { dispose(): void } {
    this.cancelHooks.add(hook);
    return { dispose: () => this.cancelHooks.delete(hook) };
  }

  cancelAll(): number {
    let count = this.runs.cancelAll();
    for (const hook of this.cancelHooks) count += hook();
    if (count) this.services.log.info(`cancelled ${count} running request(s) and demo(s)`);
    return count;
  }

  describeError(error: unknown): ReturnType<typeof describeError> {
    return describeError(error);
  }

  showError(error: unknown): void {
    const { kind, message, actions } = describeError(error);
    if (kind === 'cancelled') return;
    void vscode.window.showErrorMessage(message, ...actions.map((a) => a.label)).then((label) => {
      const action = actions.find((a) => a.label === label);
      if (action) void this.runAction(action);
    });
  }

  /** Resolves the provider and tests it; `quiet` (the status bar's own checks) records no progress. */
  private async check(signal: AbortSignal, quiet = false): Promise<{ result: ConnectionTestResult; error?: LlmError; provider?: ChatProvider }> {
    this.detector.invalidate();
    this.setStatus({ state: 'checking', provider: this.config.provider });
    let provider: ChatProvider;
    try {
      provider = await this.resolveProvider({ signal });
    } catch (error) {
      const failure = toLlmError(error);
      this.showStatusError(failure, undefined);
      return failedTest(failure, this.config.provider, this.config.baseUrl || undefined);
    }
    // `llmLab.model` names a server's model; `auto` and the local provider use the model they resolved.
    const expected = (this.config.provider === 'auto' && !this.config.baseUrl) || provider.id === 'local' ? provider.defaultModel ?? '' : this.config.model;
    const { result, error } = await testProvider(provider, expected, signal);
    if (result.ok) {
      this.lastModel = result.model;
      this.setStatus({ state: 'connected', provider: shortName(provider), model: result.model });
      if (!quiet) this.recordConnected();
      this.services.log.info(`connection test: ${provider.label} ok, ${result.models.length} model(s)`);
      return { result, provider };
    }
    if (error) {
      this.showStatusError(error, provider);
      this.services.log.warn(`connection test: ${provider.label}: ${error.kind}: ${error.message}`);
    }
    return { result, error, provider };
  }

  private async testConnectionCommand(): Promise<ConnectionTestResult> {
    const { result, error, provider } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: t('LLM Lab: testing the connection…'), cancellable: true },
      (_progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return this.check(controller.signal);
      },
    );
    if (result.ok && provider) {
      void vscode.window
        .showInformationMessage(t('Connected to {0}: {1} model(s) available, using “{2}”.', provider.label, result.models.length, result.model ?? ''), t('Select Model'))
        .then((choice) => {
          if (choice) void vscode.commands.executeCommand('llmLab.selectModel');
        });
    } else if (error) {
      this.showError(error);
    }
    return result;
  }

  private async selectModelCommand(): Promise<{ provider: ProviderId | 'auto'; baseUrl?: string; model: string } | undefined> {
    const current = this.config.provider;
    const mark = (id: string): string => (id === current ? '$(check) ' : '');
    type ProviderItem = vscode.QuickPickItem & { id: ProviderId | 'auto' };
    const items: ProviderItem[] = [
      { id: 'auto', label: `${mark('auto')}${t('Automatic')}`, detail: t('The editor’s language models if any, else the first local server that answers (Ollama, LM Studio, llama.cpp, vLLM).') },
      { id: 'ollama', label: `${mark('ollama')}Ollama`, detail: t('Ollama’s own API at {0} (clear “model not pulled” messages).', this.config.baseUrl ? this.config.baseUrl : OLLAMA_DEFAULT_URL) },
      { id: 'openai-compatible', label: `${mark('openai-compatible')}${t('OpenAI-compatible server')}`, detail: t('OpenAI, Ollama /v1, LM Studio, llama.cpp, vLLM, DeepSeek… at a base URL you enter.') },
      { id: 'vscode-lm', label: `${mark('vscode-lm')}${t('Editor language models')}`, detail: t('Models the editor offers (e.g. GitHub Copilot), through the VS Code Language Model API.') },
      { id: 'local', label: `${mark('local')}${t('Local model (run by LLM Lab)')}`, detail: t('A GGUF model LLM Lab runs itself with llama.cpp on the CPU: download a small one (≈400 MB) or use a file you have.') },
    ];
    const chosen = await vscode.window.showQuickPick(items, { title: t('LLM Lab: Select Model (1/2): provider'), placeHolder: t('Where should LLM Lab send prompts?'), ignoreFocusOut: true });
    if (!chosen) return undefined;
    let baseUrl: string | undefined;
    if (chosen.id === 'openai-compatible') {
      baseUrl = await vscode.window.showInputBox({
        title: t('LLM Lab: base URL'),
        prompt: t('The OpenAI-compatible base URL, usually ending in /v1.'),
        value: this.config.baseUrl || 'http://127.0.0.1:11434/v1',
        ignoreFocusOut: true,
        validateInput: (value) => (originOf(value.trim()) ? undefined : t('Enter an http:// or https:// URL.')),
      });
      if (baseUrl === undefined) return undefined;
      baseUrl = baseUrl.trim().replace(/\/+$/, '');
    }
    const controller = new AbortController();
    let models: string[] = [];
    let listError: LlmError | undefined;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('LLM Lab: asking for the model list…'), cancellable: true }, async (_p, token) => {
      token.onCancellationRequested(() => controller.abort());
      try {
        this.detector.invalidate();
        const provider = await this.resolveProvider({ provider: chosen.id, baseUrl: baseUrl ?? (chosen.id === 'ollama' ? this.config.baseUrl : undefined), signal: controller.signal });
        models = await provider.listModels(controller.signal);
      } catch (error) {
        listError = toLlmError(error);
      }
    });
    if (listError?.kind === 'cancelled') return undefined;
    if (listError) this.showError(listError);
    type ModelItem = vscode.QuickPickItem & { model?: string; custom?: boolean };
    const modelItems: ModelItem[] = [
      ...models.map((m) => ({ label: `${m === this.config.model ? '$(check) ' : ''}${m}`, model: m })),
      { label: t('First model the server lists'), description: t('leave “llmLab.model” empty'), model: '' },
      { label: t('Enter a model name…'), custom: true },
    ];
    const pickedModel = await vscode.window.showQuickPick(modelItems, {
      title: t('LLM Lab: Select Model (2/2): model'),
      placeHolder: models.length ? t('{0} model(s) available', models.length) : t('The server did not list models; enter a name or keep the first.'),
      ignoreFocusOut: true,
    });
    if (!pickedModel) return undefined;
    let model = pickedModel.model ?? '';
    if (pickedModel.custom) {
      const typed = await vscode.window.showInputBox({ title: t('LLM Lab: model name'), value: this.config.model, ignoreFocusOut: true });
      if (typed === undefined) return undefined;
      model = typed.trim();
    }
    const settings = vscode.workspace.getConfiguration('llmLab');
    const previousOrigin = originOf(this.config.baseUrl);
    await settings.update('provider', chosen.id, vscode.ConfigurationTarget.Global);
    if (baseUrl !== undefined) await settings.update('baseUrl', baseUrl, vscode.ConfigurationTarget.Global);
    await settings.update('model', model, vscode.ConfigurationTarget.Global);
    this.detector.invalidate();
    if (baseUrl !== undefined && this.keys.current && previousOrigin && originOf(baseUrl) !== previousOrigin) {
      void vscode.window.showWarningMessage(t('The stored API key will now be sent to {0}. Remove it if it is not meant for this server.', hostOf(baseUrl) ?? baseUrl), t('Clear API Key')).then((choice) => {
        if (choice) void vscode.commands.executeCommand('llmLab.clearApiKey');
      });
    } else {
      void vscode.window.showInformationMessage(t('LLM Lab will use {0}.', model ? `${chosen.label.replace('$(check) ', '')} · ${model}` : chosen.label.replace('$(check) ', '')));
    }
    this.scheduleQuietCheck(0);
    return { provider: chosen.id, baseUrl, model };
  }

  private async runAction(action: ErrorAction): Promise<void> {
    switch (action.id) {
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', action.value ?? '@ext:llmlab.llm-lab');
        break;
      case 'showLog':
        this.services.log.show();
        break;
      case 'copyCommand':
        await vscode.env.clipboard.writeText(action.value ?? '');
        void vscode.window.showInformationMessage(t('Copied: {0}', action.value ?? ''));
        break;
      case 'manageTrust':
        await vscode.commands.executeCommand('workbench.trust.manage');
        break;
      case 'downloadModel':
        // The "no model" action downloads the recommended small model in one click (it shows progress and can be cancelled).
        await vscode.commands.executeCommand('llmLab.downloadLocalModel', action.value);
        break;
      case 'testConnection':
      case 'setApiKey':
      case 'selectModel':
      case 'openLecture':
        await vscode.commands.executeCommand(`llmLab.${action.id}`);
        break;
    }
  }

  /** Updates the status bar from a connection check without any notification. */
  private scheduleQuietCheck(delayMs: number): void {
    clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => {
      if (this.runs.running === 0) void this.check(new AbortController().signal, true).catch(() => undefined);
    }, delayMs);
  }

  /** Progress: a model answered (once per session is enough for the walkthrough). */
  private recordConnected(): void {
    if (this.connectedRecorded) return;
    this.connectedRecorded = true;
    this.services.progress.record({ kind: 'modelConnected' });
  }

  private providerName(): string {
    return this.status.provider;
  }

  private showStatusError(error: LlmError, provider: ChatProvider | undefined): void {
    if (error.kind === 'cancelled') return;
    const name = provider ? shortName(provider) : this.config.provider;
    if (error.kind === 'noProvider') this.setStatus({ state: 'noModel', provider: name, message: error.message });
    else this.setStatus({ state: 'error', provider: name, model: error.details.model ?? this.lastModel, kind: error.kind, message: error.message });
  }

  private setStatus(state: ConnectionState): void {
    this.status = state;
    const view = statusText(state);
    this.statusItem.text = view.text;
    this.statusItem.tooltip = view.tooltip;
    // With no model at all, the status bar leads to the download (a quick pick of the catalog, nothing starts without a choice).
    this.statusItem.command = state.state === 'noModel' ? 'llmLab.downloadLocalModel' : 'llmLab.selectModel';
    this.statusItem.backgroundColor = view.error
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : view.warning
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
  }
}

/** Registers the model layer (commands, status bar item, settings and secret listeners) and returns the service demos use. */
export function registerLlm(services: Services, options: RegisterLlmOptions = {}): LlmService {
  const service = new LlmServiceImpl(services, options);
  services.context.subscriptions.push(service);
  registerCommands(services.context, service.commands());
  return service;
}
