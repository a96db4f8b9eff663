/**
 * The vscode side of the fine-tuning stages: `llmLab.train { stage: 'sft' | 'reward' | 'ppo', … }` (called
 * from registerTinyGpt's train command) checks the chain, runs the stage on its worker, reports progress
 * (notification when showUi), and lets listeners (a panel) follow each step. Checkpoints live beside the
 * pre-trained one in global storage: sft.bin, reward.bin, ppo.bin.
 */
import * as vscode from 'vscode';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { t, type Lang } from '../../core/l10n';
import type { Services } from '../../core/services';
import type { BuiltinSampler } from '../../lessons/builtinProvider';
import { samplerLlmError, tinyGptSampler } from '../builtinTinyGpt';
import type { SamplerClient } from '../samplerClient';
import { CHAIN_DONE_WIDGET_ID, parseStageArgs } from './stageArgs';
import { startStage, type StageRun } from './stageClient';
import { missingPrerequisite, type StageMetrics, type StageName, type StagePaths, type StageProgress, type StageResult } from './stageRunner';

export interface StageCommandResult {
  ok: boolean;
  stage: string;
  steps: number;
  losses: number[];
  metrics: StageMetrics;
  checkpoint?: string;
  samples?: StageResult['samples'];
  rankings?: StageResult['rankings'];
  rule?: StageResult['rule'];
  labeler?: StageResult['labeler'];
  error?: string;
}

/** Model ids of the tuned checkpoints (for `llmLab.runDemo { provider: 'builtin', model }`). */
export const STAGE_MODEL_IDS: Record<StageName, string> = { sft: 'tinygpt-sft', reward: 'tinygpt-reward', ppo: 'tinygpt-ppo' };

export class StageCommand {
  private run: StageRun | undefined;
  private readonly progress = new vscode.EventEmitter<StageProgress>();
  /** Every step of a running stage (for a panel's live plots). */
  readonly onProgress = this.progress.event;

  constructor(
    private readonly services: Services,
    private readonly storage: string,
    private readonly basePath: () => string,
    /** The tiny GPT's sampling thread: the tuned models' answers are sampled there, never on this thread. */
    private readonly sampling: SamplerClient,
  ) {}

  get paths(): StagePaths {
    const ext = this.services.context.extensionPath;
    return {
      base: this.basePath(), sft: join(this.storage, 'sft.bin'), reward: join(this.storage, 'reward.bin'), ppo: join(this.storage, 'ppo.bin'),
      content: join(ext, 'dist', 'content'), corpus: join(ext, 'media', 'models', 'corpus.bin'),
    };
  }

  /** The checkpoint a model id names (undefined: not one of the stages, or not trained yet). */
  async modelPath(id: string): Promise<string | undefined> {
    const stage = (Object.keys(STAGE_MODEL_IDS) as StageName[]).find((s) => STAGE_MODEL_IDS[s] === id);
    if (!stage || stage === 'reward') return undefined;
    const path = this.paths[stage];
    return access(path).then(() => path, () => undefined);
  }

  /** The tuned model an id names as the built-in provider serves it (the user's text is the instruction); undefined when not trained yet. */
  async sampler(id: string): Promise<BuiltinSampler | undefined> {
    const path = await this.modelPath(id);
    return path ? tinyGptSampler(this.sampling, id, path, 'answer') : undefined;
  }

  /**
   * K = 4 answers the SFT model samples (temperature 1, as InstructGPT's comparisons were) for the n-th
   * instruction in the learner's language, for the learner to rank; on the sampling thread. Undefined before SFT.
   */
  async answersToRank(n: number, lang: Lang): Promise<{ prompt: string; answers: string[] } | undefined> {
    const path = await this.modelPath(STAGE_MODEL_IDS.sft);
    if (!path) return undefined;
    try {
      return (await this.sampling.run({ type: 'answersToRank', path, paths: this.paths, n, lang })) ?? undefined;
    } catch (error) {
      throw samplerLlmError(error, STAGE_MODEL_IDS.sft, path);
    }
  }

  get isRunning(): boolean {
    return this.run !== undefined;
  }

  cancel(): number {
    if (!this.run) return 0;
    this.run.cancel();
    return 1;
  }

  async train(arg: unknown): Promise<StageCommandResult> {
    const stage = (arg as { stage?: unknown } | undefined)?.stage;
    const fail = (error: string): StageCommandResult => ({ ok: false, stage: String(stage), steps: 0, losses: [], metrics: {}, error });
    if (this.run) return fail(t('A training run is already in progress.'));
    let args: ReturnType<typeof parseStageArgs>;
    try {
      args = parseStageArgs(arg);
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e));
    }
    const paths = this.paths;
    const missing = missingPrerequisite(args.stage, paths);
    if (missing) {
      return fail(t("The {0} stage starts from the {1} checkpoint, which does not exist yet: run llmLab.train with stage '{1}' first.", args.stage, missing));
    }
    await mkdir(this.storage, { recursive: true });
    const go = async (report?: (p: StageProgress) => void): Promise<StageCommandResult> => {
      const run = startStage({ stage: args.stage, steps: args.steps, seed: args.seed, beta: args.beta, gamma: args.gamma, rule: args.rule, rankings: args.rankings, paths }, {
        onProgress: (p) => {
          this.progress.fire(p);
          report?.(p);
        },
      });
      this.run = run;
      try {
        const r = await run.result;
        this.services.log.info(`tiny GPT ${r.stage}: ${r.cancelled ? 'cancelled' : 'done'} after ${r.steps} steps, ${JSON.stringify(r.metrics)}`);
        if (r.ok && r.stage === 'ppo') this.services.progress.record({ kind: 'widgetUsed', widgetId: CHAIN_DONE_WIDGET_ID });
        return {
          ok: r.ok, stage: r.stage, steps: r.steps, losses: r.losses, metrics: r.metrics, checkpoint: r.checkpoint,
          samples: r.samples, rankings: r.rankings, rule: r.rule, labeler: r.labeler, error: r.cancelled ? t('Cancelled.') : undefined,
        };
      } finally {
        this.run = undefined;
      }
    };
    try {
      if (!args.showUi) return await go();
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: t('Fine-tuning the tiny GPT ({0})', args.stage), cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => this.cancel());
          return go((p) => progress.report({ message: t('step {0}/{1}, loss {2}', p.step, p.steps, p.loss.toFixed(3)), increment: 100 / p.steps }));
        },
      );
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e));
    }
  }

  dispose(): void {
    this.cancel();
    this.progress.dispose();
  }
}
