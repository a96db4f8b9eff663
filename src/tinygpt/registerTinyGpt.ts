/**
 * The vscode side of the tiny GPT: `llmLab.train` (pre-training on worker threads, checkpoint in global
 * storage) and `llmLab.exportModel` (GGUF). `llmLab.cancel` stops a training run through the model
 * layer's cancel hook. The model exported is the one asked for (pre-trained, SFT or PPO), else the last one
 * trained here, else the one shipped in media/models. The built-in provider's tiny GPT models sample on a
 * thread of their own (samplerClient.ts).
 */
import * as vscode from 'vscode';
import { mkdir, readFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { registerCommands, type Command } from '../core/commands';
import { t } from '../core/l10n';
import type { Services } from '../core/services';
import type { LlmService } from '../llm/types';
import { decodeCheckpoint, type Checkpoint } from './checkpoint';
import { decodeCorpus } from './corpusFile';
import { exportGgufFile } from './ggufExport';
import { parseExportArgs, parseTrainArgs } from './trainArgs';
import { sharedAllocate, Trainer } from './trainer';
import { TrainState } from './training';
import { StageCommand, type StageCommandResult } from './stages/stageCommand';
import { TINYGPT_MODEL, type BuiltinSampler } from '../lessons/builtinProvider';
import { tinyGptSampler } from './builtinTinyGpt';
import { SamplerClient } from './samplerClient';
import { isStageName } from './stages/stageArgs';
import { chooseExport, parseExportModel } from './stages/exportChoice';

export interface TrainCommandResult {
  ok: boolean;
  stage: string;
  steps: number;
  losses: number[];
  valLoss?: number;
  tokensPerSecond: number;
  checkpoint?: string;
  error?: string;
}

export class TinyGpt {
  private trainer: Trainer | undefined;
  /** The fine-tuning stages (sft, reward, ppo): stages/stageCommand.ts. */
  readonly stages: StageCommand;
  private readonly storage: string;
  /** The sampling thread (the built-in provider's tiny GPT models, the Training panel's answers to rank). */
  readonly sampling: SamplerClient;

  constructor(private readonly services: Services) {
    this.storage = join(services.context.globalStorageUri.fsPath, 'tinygpt');
    this.sampling = new SamplerClient(join(services.context.extensionPath, 'dist', 'tinygptSamplerWorker.js'));
    this.stages = new StageCommand(services, this.storage, () => (existsSync(this.trainedPath) ? this.trainedPath : this.shippedPath), this.sampling);
  }

  /**
   * A tiny GPT as a built-in provider model: 'tinygpt' is the shipped pre-trained checkpoint continuing the
   * prompt; 'tinygpt-sft' / 'tinygpt-ppo' the tuned ones answering it (undefined until trained).
   */
  builtinModel(id: string): Promise<BuiltinSampler | undefined> {
    if (id === TINYGPT_MODEL) return Promise.resolve(tinyGptSampler(this.sampling, id, this.shippedPath, 'continue'));
    return this.stages.sampler(id);
  }

  private get shippedPath(): string {
    return join(this.services.context.extensionPath, 'media', 'models', 'tinygpt.bin');
  }

  private get trainedPath(): string {
    return join(this.storage, 'pretrain.bin');
  }

  /** The current model: the last one trained here, else the shipped one. */
  async current(): Promise<Checkpoint> {
    const path = existsSync(this.trainedPath) ? this.trainedPath : this.shippedPath;
    return decodeCheckpoint(await readFile(path));
  }

  /** `llmLab.cancel`: stops a training run (its checkpoint is the last completed step). */
  cancel(): number {
    if (this.stages.isRunning) return this.stages.cancel();
    if (!this.trainer?.isRunning) return 0;
    this.trainer.cancel();
    return 1;
  }

  connect(llm: LlmService): vscode.Disposable {
    return llm.onCancelAll(() => this.cancel());
  }

  commands(): Command[] {
    return [
      { id: 'llmLab.train', run: (arg?: unknown) => this.train(arg) },
      { id: 'llmLab.exportModel', run: (arg?: unknown) => this.exportModel(arg) },
    ];
  }

  async train(arg: unknown): Promise<TrainCommandResult | StageCommandResult> {
    const stage = (arg as { stage?: unknown } | undefined)?.stage;
    if (isStageName(stage)) {
      if (this.trainer?.isRunning) return { ok: false, stage, steps: 0, losses: [], metrics: {}, error: t('A training run is already in progress.') };
      return this.stages.train(arg);
    }
    const fail = (error: string): TrainCommandResult => ({ ok: false, stage: typeof stage === 'string' ? stage : 'pretrain', steps: 0, losses: [], tokensPerSecond: 0, error });
    if (this.trainer?.isRunning || this.stages.isRunning) return fail(t('A training run is already in progress.'));
    let shipped: Checkpoint;
    let request: ReturnType<typeof parseTrainArgs>;
    let data: ReturnType<typeof decodeCorpus>;
    try {
      shipped = decodeCheckpoint(await readFile(this.shippedPath));
      request = parseTrainArgs(arg, shipped.config.vocabSize);
      data = decodeCorpus(await readFile(join(this.services.context.extensionPath, 'media', 'models', 'corpus.bin')));
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e));
    }
    await mkdir(this.storage, { recursive: true });
    const state = TrainState.create(request.model, request.train, sharedAllocate);
    const run = async (progress?: vscode.Progress<{ message?: string; increment?: number }>): Promise<TrainCommandResult> => {
      const trainer = await Trainer.start(state, {
        data, tokenizer: shipped.tokenizer, workers: 2, evalEvery: request.steps, evalWindows: 32,
        checkpointPath: this.trainedPath, checkpointEvery: 50,
        onStep: (info) => progress?.report({
          message: t('step {0}/{1}, loss {2}', info.step, request.steps, info.loss.toFixed(3)),
          increment: 100 / request.steps,
        }),
      });
      this.trainer = trainer;
      try {
        const r = await trainer.run();
        this.services.log.info(`tiny GPT: ${r.status} after ${r.steps} steps, val loss ${r.valLoss?.toFixed(3) ?? '—'}, ${r.tokensPerSecond.toFixed(0)} tokens/s`);
        return {
          ok: r.status === 'done', stage: 'pretrain', steps: r.steps, losses: r.losses, valLoss: r.valLoss,
          tokensPerSecond: r.tokensPerSecond, checkpoint: r.checkpoint, error: r.status === 'cancelled' ? t('Cancelled.') : undefined,
        };
      } finally {
        await trainer.dispose();
        this.trainer = undefined;
      }
    };
    try {
      if (!request.showUi) return await run();
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: t('Training the tiny GPT'), cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => this.cancel());
          return run(progress);
        },
      );
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e));
    }
  }

  /**
   * `llmLab.exportModel { path?, format?, model? }`: model 'tinygpt' | 'tinygpt-sft' | 'tinygpt-ppo'
   * (stages/exportChoice.ts); without one, the checkpoint trained most recently here, else the shipped model.
   */
  async exportModel(arg: unknown): Promise<{ ok: boolean; path?: string; bytes?: number; model?: string; error?: string }> {
    try {
      const { path } = parseExportArgs(arg);
      const mtime = (p: string): { path: string; mtimeMs?: number } => ({ path: p, mtimeMs: existsSync(p) ? statSync(p).mtimeMs : undefined });
      const stagePaths = this.stages.paths;
      const choice = chooseExport(parseExportModel(arg), {
        shipped: this.shippedPath, pretrain: mtime(this.trainedPath), sft: mtime(stagePaths.sft), ppo: mtime(stagePaths.ppo),
      });
      if (!choice.ok) return { ok: false, model: choice.model, error: t('The tuned tiny GPT "{0}" does not exist yet: train it with llmLab.train first.', choice.model) };
      await mkdir(this.storage, { recursive: true });
      const target = path ?? join(this.storage, `${choice.model}.gguf`);
      const bytes = await exportGgufFile(target, decodeCheckpoint(await readFile(choice.path)), { name: choice.name });
      return { ok: true, path: target, bytes, model: choice.model };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }
}

export function registerTinyGpt(services: Services, llm: LlmService): TinyGpt {
  const tiny = new TinyGpt(services);
  registerCommands(services.context, tiny.commands());
  services.context.subscriptions.push(tiny.connect(llm), tiny.stages, tiny.sampling);
  return tiny;
}
