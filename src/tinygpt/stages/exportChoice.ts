/**
 * Which tiny GPT `llmLab.exportModel { model? }` writes: 'tinygpt' (pre-trained: the learner's own, else the
 * shipped one), 'tinygpt-sft' or 'tinygpt-ppo' (the tuned policies — language models like the pre-trained
 * one, same layout). Without a model: the checkpoint trained most recently here, else the shipped model, so
 * "train, then export" exports what was just trained. The reward model is not a language model (its head is
 * a scalar), so it has no GGUF form.
 */
export const EXPORT_MODEL_IDS = ['tinygpt', 'tinygpt-sft', 'tinygpt-ppo'] as const;
export type ExportModelId = (typeof EXPORT_MODEL_IDS)[number];

/** What is on disk: each candidate's path and its modification time (undefined: not there). */
export interface ExportCandidates {
  shipped: string;
  pretrain: { path: string; mtimeMs?: number };
  sft: { path: string; mtimeMs?: number };
  ppo: { path: string; mtimeMs?: number };
}

/** Not ok: the stage asked for by name was never trained (the caller says so in the reader's language). */
export type ExportChoice = { ok: true; model: ExportModelId; path: string; name: string } | { ok: false; model: ExportModelId; missing: 'sft' | 'ppo' };

const NAMES: Record<ExportModelId, string> = {
  tinygpt: 'LLM Lab tiny GPT',
  'tinygpt-sft': 'LLM Lab tiny GPT (SFT)',
  'tinygpt-ppo': 'LLM Lab tiny GPT (PPO)',
};

/** The `model` field of the argument; throws a RangeError naming the allowed ids. */
export function parseExportModel(arg: unknown): ExportModelId | undefined {
  const v = arg && typeof arg === 'object' ? (arg as Record<string, unknown>).model : undefined;
  if (v === undefined) return undefined;
  if (!(EXPORT_MODEL_IDS as readonly unknown[]).includes(v)) {
    throw new RangeError(`tiny GPT: model must be one of ${EXPORT_MODEL_IDS.join(', ')} (got ${JSON.stringify(v)})`);
  }
  return v as ExportModelId;
}

/** The checkpoint to export, or why there is none (a stage asked for by name that was never trained). */
export function chooseExport(requested: ExportModelId | undefined, c: ExportCandidates): ExportChoice {
  const pick = (model: ExportModelId, path: string): ExportChoice => ({ ok: true, model, path, name: NAMES[model] });
  const pretrained = (): ExportChoice => pick('tinygpt', c.pretrain.mtimeMs !== undefined ? c.pretrain.path : c.shipped);
  if (requested === 'tinygpt') return pretrained();
  if (requested) {
    const stage = requested === 'tinygpt-sft' ? 'sft' : 'ppo';
    const file = c[stage];
    if (file.mtimeMs === undefined) return { ok: false, model: requested, missing: stage };
    return pick(requested, file.path);
  }
  const trained = ([['tinygpt', c.pretrain], ['tinygpt-sft', c.sft], ['tinygpt-ppo', c.ppo]] as const)
    .filter(([, f]) => f.mtimeMs !== undefined)
    .sort((a, b) => b[1].mtimeMs! - a[1].mtimeMs!);
  return trained.length ? pick(trained[0][0], trained[0][1].path) : pretrained();
}
