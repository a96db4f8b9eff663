/**
 * The Training panel (`llmLab.openTraining`): the tiny GPT a learner can try at once (the shipped
 * checkpoint), train from scratch while watching loss curves and samples, and look inside (attention of
 * each head, next-token probabilities, bits per byte against the n-gram). Training runs on the trainer's
 * worker threads and every question about the model on an inspection thread: this file only passes
 * messages. A run belongs to its panel: closing the panel cancels it (the checkpoint keeps the last step).
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { language, t } from '../core/l10n';
import type { Services } from '../core/services';
import type { LlmService } from '../llm/types';
import { PanelHost, type PanelPage, type PanelProvider } from '../webview/panelHost';
import { answerRequest } from '../webview/protocol';
import type { WebviewHost } from '../webview/webviewHost';
import { decodeCheckpoint, type Checkpoint } from './checkpoint';
import { DEFAULT_TRAIN, validateGptConfig, validateTrainConfig } from './config';
import { decodeCorpus } from './corpusFile';
import { paramCount } from './model';
import { sharedAllocate, Trainer, type StepInfo } from './trainer';
import { TrainState, type TokenData } from './training';
import { DEFAULT_RULE } from './stages/labeler';
import type { StageCommand } from './stages/stageCommand';
import { STAGE_DEFAULTS, type StageProgress } from './stages/stageRunner';
import { modelInfoOf } from './trainingInspect';
import { InspectClient } from './trainingInspectClient';
import {
  flopsPerStep, parseFromTrainingPage, TRAINED_STEPS_GOAL, TRAINED_WIDGET_ID, parseTrainingRequest, TRAINING_SIZES,
  STAGE_IDS,
  type FromTrainingPage, type ModelInfo, type RunSnapshot, type SizeInfo, type StageId, type StageInfo, type StageStart, type StageView,
  type StartOptions, type ToTrainingPage,
} from './trainingMessages';

export const TRAINING_VIEW_TYPE = 'llmLab.training';

const PAGE: PanelPage<FromTrainingPage> = {
  viewType: TRAINING_VIEW_TYPE,
  script: 'training',
  styles: ['base.css', 'training.css'],
  title: () => t('LLM Lab: Training'),
  parse: parseFromTrainingPage,
};

/** The prompt of the samples taken while training, and of the "try it" box. */
export const samplePrompt = (): string => (language() === 'zh-cn' ? '语言模型' : 'The language model');

/** Where the tiny GPT lives: the same files llmLab.train and llmLab.exportModel use (registerTinyGpt.ts). */
export interface TinyGptFiles {
  shipped: string;
  corpus: string;
  /** The learner's last trained model (global storage). */
  trained: string;
}

export function tinyGptFiles(services: Services): TinyGptFiles {
  const models = join(services.context.extensionPath, 'media', 'models');
  return {
    shipped: join(models, 'tinygpt.bin'),
    corpus: join(models, 'corpus.bin'),
    trained: join(services.context.globalStorageUri.fsPath, 'tinygpt', 'pretrain.bin'),
  };
}

/** The fine-tuning stages run through llmLab.train's StageCommand (stages/stageCommand.ts) when there is one. */
export function stageAvailability(stages: StageCommand | undefined): StageInfo[] {
  return STAGE_IDS.map((id) => ({
    id, available: !!stages,
    defaults: { steps: STAGE_DEFAULTS.steps[id], beta: STAGE_DEFAULTS.beta, gamma: STAGE_DEFAULTS.gamma, rule: { ...DEFAULT_RULE } },
  }));
}

interface Run {
  trainer?: Trainer;
  state?: TrainState;
  snapshot: RunSnapshot;
  every: number;
  pending: number[];
  pendingFrom: number;
  pendingTokens: number;
  pendingMs: number;
  flushTimer?: ReturnType<typeof setTimeout>;
  recorded: boolean;
  /** Cancel asked before the trainer existed. */
  cancelled?: boolean;
}

export class TrainingPanel implements PanelProvider<ToTrainingPage, FromTrainingPage> {
  private readonly inspect = new InspectClient();
  private shipped: Checkpoint | undefined;
  private corpus: TokenData | undefined;
  private model: ModelInfo | undefined;
  /** Loaded into the inspection thread: the current model (its weights are copied there). */
  private loaded: Promise<void> | undefined;
  private run: Run | undefined;
  private disposed = false;
  /** The last run of each fine-tuning stage (kept while the panel is open). */
  private readonly stageViews = new Map<StageId, StageView>();
  private stageRunning: StageId | undefined;

  constructor(
    private readonly page: WebviewHost<ToTrainingPage, FromTrainingPage>,
    private readonly services: Services,
    private readonly files: TinyGptFiles,
    private readonly stages?: StageCommand,
  ) {}

  /** The run in progress, if any (tests and llmLab.cancel). */
  get running(): boolean {
    return !!this.run && (this.run.snapshot.status === 'running' || this.run.snapshot.status === 'paused' || this.run.snapshot.status === 'starting');
  }

  async init(): Promise<ToTrainingPage> {
    const shipped = await this.loadShipped();
    if (!this.model) await this.ensureModel();
    return {
      type: 'init',
      init: {
        ...this.page.strings(),
        sizes: this.sizes(shipped.config.vocabSize),
        model: this.model!,
        run: this.run?.snapshot,
        stages: stageAvailability(this.stages),
        stageViews: [...this.stageViews.values()],
        prompt: samplePrompt(),
      },
    };
  }

  sizes(vocabSize: number): SizeInfo[] {
    return TRAINING_SIZES.map((s) => {
      const params = paramCount({ vocabSize, layers: s.layers, heads: s.heads, dim: s.dim, context: s.context });
      const tokensPerStep = s.batch * s.context;
      return { ...s, params, tokensPerStep, flopsPerStep: flopsPerStep(params, tokensPerStep) };
    });
  }

  async onMessage(message: FromTrainingPage): Promise<void> {
    switch (message.type) {
      case 'ready':
        return;
      case 'start':
        await this.start(message.options);
        return;
      case 'pause':
        if (this.run?.trainer && this.run.snapshot.status === 'running') {
          this.run.trainer.pause();
          this.setStatus('paused');
        }
        return;
      case 'resume':
        if (this.run?.trainer && this.run.snapshot.status === 'paused') {
          this.run.trainer.resume();
          this.setStatus('running');
        }
        return;
      case 'cancel':
        this.cancel();
        return;
      case 'runStage':
        await this.runStage(message.options);
        return;
      case 'openLecture':
        await vscode.commands.executeCommand('llmLab.openLecture', message.section);
        return;
      case 'request':
        this.page.postState(await answerRequest(message, (payload) => this.answer(payload)));
        return;
    }
  }

  /** Stops a run (llmLab.cancel, the page's Cancel, the panel closing); true if one was running. */
  cancel(): boolean {
    if (this.stageRunning) return this.stages!.cancel() > 0;
    if (!this.running || !this.run) return false;
    this.run.cancelled = true;
    this.run.trainer?.cancel();
    return true;
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
    this.inspect.dispose();
  }

  private async answer(payload: unknown): Promise<unknown> {
    const question = parseTrainingRequest(payload);
    if (question.type === 'answersToRank') {
      const answers = await this.stages?.answersToRank(question.n, language());
      if (!answers) throw new Error(t('Run the SFT stage first: its model writes the answers you rank.'));
      return answers;
    }
    await this.ensureModel();
    if (question.type === 'bitsPerByte') await this.inspect.setData(await this.loadCorpus());
    return this.inspect.ask(question);
  }

  private async loadShipped(): Promise<Checkpoint> {
    this.shipped ??= decodeCheckpoint(await readFile(this.files.shipped));
    return this.shipped;
  }

  private async loadCorpus(): Promise<TokenData> {
    this.corpus ??= decodeCorpus(await readFile(this.files.corpus));
    return this.corpus;
  }

  /** The current model in the inspection thread: the learner's last trained one, else the shipped one. */
  private ensureModel(): Promise<void> {
    this.loaded ??= (async () => {
      let ck: Checkpoint;
      let source: ModelInfo['source'] = 'trained';
      try {
        ck = existsSync(this.files.trained) ? decodeCheckpoint(await readFile(this.files.trained)) : await this.loadShipped();
        if (ck === this.shipped) source = 'shipped';
      } catch (error) {
        this.services.log.warn(`training panel: ${this.files.trained} is unreadable, using the shipped model (${String(error)})`);
        ck = await this.loadShipped();
        source = 'shipped';
      }
      this.model = modelInfoOf(ck, source);
      await this.inspect.load(ck);
    })();
    const loading = this.loaded;
    // A failed load is tried again on the next question.
    loading.catch(() => {
      if (this.loaded === loading) this.loaded = undefined;
    });
    return loading;
  }

  /**
   * One fine-tuning stage through llmLab.train's stage runner (its own worker thread); every step it reports
   * is drawn, at most every 200 ms. The stage chains from the previous stage's checkpoint, or says which is missing.
   */
  private async runStage(options: StageStart): Promise<void> {
    if (!this.stages || this.stageRunning || this.running || this.stages.isRunning) return;
    const { stage } = options;
    const view: StageView = { stage, status: 'running', totalSteps: options.steps, points: [], metrics: {}, samples: [], rankings: [] };
    this.stageViews.set(stage, view);
    this.stageRunning = stage;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const send = (): void => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      this.page.postState({ type: 'stage', view });
    };
    const listener = this.stages.onProgress((p: StageProgress) => {
      if (p.stage !== stage) return;
      view.points.push({ step: p.step, loss: p.loss, ...pickMetrics(p.metrics) });
      timer ??= setTimeout(send, 200);
    });
    send();
    try {
      const r = await this.stages.train({
        stage, steps: options.steps, beta: options.beta, gamma: options.gamma, rule: options.rule,
        ...(options.rankings ? { labeler: 'learner', rankings: options.rankings } : { labeler: 'scripted' }),
      });
      view.labeler = r.labeler;
      view.metrics = Object.fromEntries(Object.entries(r.metrics).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)));
      view.samples = (r.samples ?? []).map((x) => ({ instruction: x.instruction, before: x.before, after: x.after }));
      view.rankings = r.rankings ?? [];
      view.status = r.ok ? 'done' : r.error === t('Cancelled.') ? 'cancelled' : 'error';
      view.error = r.ok ? undefined : r.error;
    } catch (error) {
      view.status = 'error';
      view.error = error instanceof Error ? error.message : String(error);
    } finally {
      listener.dispose();
      this.stageRunning = undefined;
      send();
    }
  }

  private setStatus(status: RunSnapshot['status'], error?: string): void {
    if (!this.run) return;
    this.run.snapshot.status = status;
    this.run.snapshot.error = error;
    this.page.postState({ type: 'status', status, error });
  }

  private async start(options: StartOptions): Promise<void> {
    if (this.running || this.stageRunning || this.stages?.isRunning) return;
    const size = TRAINING_SIZES.find((s) => s.id === options.size)!;
    const run: Run = {
      snapshot: { size: size.id, status: 'starting', totalSteps: options.steps, step: 0, losses: [], valLosses: [], tokensPerSecond: 0, samples: [] },
      every: options.every, pending: [], pendingFrom: 0, pendingTokens: 0, pendingMs: 0, recorded: false,
    };
    this.run = run;
    this.page.postState({ type: 'run', run: run.snapshot });
    try {
      const shipped = await this.loadShipped();
      const data = await this.loadCorpus();
      const config = validateGptConfig({ vocabSize: shipped.config.vocabSize, layers: size.layers, heads: size.heads, dim: size.dim, context: size.context });
      const train = validateTrainConfig({
        ...DEFAULT_TRAIN, steps: options.steps, batch: size.batch,
        warmupSteps: Math.min(DEFAULT_TRAIN.warmupSteps, Math.max(1, Math.floor(options.steps / 10))),
      });
      await mkdir(join(this.files.trained, '..'), { recursive: true });
      const state = TrainState.create(config, train, sharedAllocate);
      run.state = state;
      // Step 0: what an untrained model writes (noise), the first line of the sample history.
      await this.sample(run, 0);
      const trainer = await Trainer.start(state, {
        data, tokenizer: shipped.tokenizer, workers: 2, evalEvery: options.every, evalWindows: 16,
        checkpointPath: this.files.trained,
        onStep: (info) => this.stepped(run, info),
        onEval: (step, loss) => {
          run.snapshot.valLosses.push({ step, loss });
          this.flush(run);
          this.page.postState({ type: 'val', step, loss });
        },
      });
      run.trainer = trainer;
      if (run.cancelled) trainer.cancel();
      this.setStatus('running');
      let status: RunSnapshot['status'];
      try {
        const result = await trainer.run();
        status = result.status;
        this.services.log.info(`training panel: ${result.status} after ${result.steps} steps (${size.id}), val loss ${result.valLoss?.toFixed(3) ?? '—'}, ${result.tokensPerSecond.toFixed(0)} tokens/s`);
      } finally {
        await trainer.dispose();
      }
      this.flush(run);
      // The last step's sample, unless the run just took one there.
      if (run.snapshot.samples.at(-1)?.step !== state.step && state.step > 0) await this.sample(run, state.step);
      this.model = modelInfoOf({ config, params: state.params, progress: state.progress() }, 'trained');
      this.loaded = this.inspect.load({ config, tokenizer: shipped.tokenizer, params: state.params }).then(() => undefined);
      this.page.postState({ type: 'model', model: this.model });
      this.setStatus(status);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.services.log.error(`training panel: ${message}`);
      this.setStatus('error', message);
    } finally {
      if (run.flushTimer) clearTimeout(run.flushTimer);
    }
  }

  /** Runs between steps (the weights are not changing): losses are batched, samples taken every N steps. */
  private stepped(run: Run, info: StepInfo): void {
    if (!run.pending.length) run.pendingFrom = info.step - 1;
    run.pending.push(info.loss);
    run.snapshot.losses.push(info.loss);
    run.snapshot.step = info.step;
    run.pendingTokens += (info.tokensPerSecond * info.ms) / 1000;
    run.pendingMs += info.ms;
    run.flushTimer ??= setTimeout(() => this.flush(run), 150);
    if (!run.recorded && info.step >= TRAINED_STEPS_GOAL) {
      run.recorded = true;
      this.services.progress.record({ kind: 'widgetUsed', widgetId: TRAINED_WIDGET_ID });
    }
    if (info.step % run.every === 0 && info.step < run.snapshot.totalSteps) void this.sample(run, info.step);
  }

  private flush(run: Run): void {
    if (run.flushTimer) clearTimeout(run.flushTimer);
    run.flushTimer = undefined;
    if (!run.pending.length) return;
    const tokensPerSecond = run.pendingMs > 0 ? (run.pendingTokens * 1000) / run.pendingMs : run.snapshot.tokensPerSecond;
    run.snapshot.tokensPerSecond = tokensPerSecond;
    this.page.postState({ type: 'steps', from: run.pendingFrom, losses: run.pending, tokensPerSecond });
    run.pending = [];
    run.pendingTokens = 0;
    run.pendingMs = 0;
  }

  /** A sample of the weights as they are now (copied into the inspection thread; training goes on). */
  private async sample(run: Run, step: number): Promise<void> {
    const state = run.state;
    const shipped = this.shipped;
    if (!state || !shipped) return;
    const prompt = samplePrompt();
    try {
      this.loaded = this.inspect.load({ config: state.config, tokenizer: shipped.tokenizer, params: state.params }).then(() => undefined);
      this.model = modelInfoOf({ config: state.config, params: state.params, progress: { step, valLosses: run.snapshot.valLosses } }, 'run');
      const { text } = await this.inspect.ask({ type: 'generate', prompt, maxTokens: 40, temperature: 0.8, seed: 7 });
      const sample = { step, prompt, text };
      run.snapshot.samples.push(sample);
      run.snapshot.samples.sort((a, b) => a.step - b.step);
      this.page.postState({ type: 'sample', sample });
    } catch (error) {
      if (!this.disposed) this.services.log.warn(`training panel: no sample at step ${step}: ${String(error)}`);
    }
  }
}

function pickMetrics(m: StageProgress['metrics']): Partial<StageView['points'][number]> {
  const out: Partial<StageView['points'][number]> = {};
  for (const key of ['reward', 'kl', 'ptxLoss', 'pairAccuracy'] as const) {
    const v = m[key];
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
  }
  return out;
}

export type TrainingPanels = PanelHost<ToTrainingPage, FromTrainingPage, TrainingPanel>;

/** `llmLab.openTraining`, and `llmLab.cancel` stopping the panel's run. */
export function registerTrainingPanel(services: Services, llm: Pick<LlmService, 'onCancelAll'>, stages?: StageCommand): TrainingPanels {
  const files = tinyGptFiles(services);
  const panels: TrainingPanels = new PanelHost(services, PAGE, (page) => new TrainingPanel(page, services, files, stages));
  services.context.subscriptions.push(
    panels,
    vscode.commands.registerCommand('llmLab.openTraining', () => {
      panels.show();
      return true;
    }),
    llm.onCancelAll(() => (panels.current?.cancel() ? 1 : 0)),
  );
  return panels;
}
