// What a `command:` link in the lecture webview may run. The webview renders markdown (and, in the playground,
// model output), so its messages are treated as untrusted: only commands that are harmless when a page triggers
// them, each with its argument checked and rebuilt (never passed through). Anything that changes secrets,
// reads or writes a path, deletes data or sends the editor's text to a model is not on the list.

/** A command the lecture may run, with the arguments to pass (already validated and rebuilt). */
export interface LectureCommand {
  readonly id: string;
  readonly args: readonly unknown[];
}

const ID = /^[a-z0-9][a-z0-9-]{0,79}$/;
const MAX_TOKENIZE_CHARS = 100_000;
const ENCODINGS = new Set(['r50k_base', 'cl100k_base', 'o200k_base']);

type Validator = (arg: unknown) => readonly unknown[] | undefined;

const none: Validator = (arg) => (arg === undefined ? [] : undefined);
/** An optional id (section, demo, term): a short lower-case slug, so it cannot be a path or a URL. */
const optionalId: Validator = (arg) => (arg === undefined ? [] : typeof arg === 'string' && ID.test(arg) ? [arg] : undefined);

const demo: Validator = (arg) => {
  const id = typeof arg === 'string' ? arg : isRecord(arg) && Object.keys(arg).every((k) => k === 'id') ? arg.id : undefined;
  return typeof id === 'string' && ID.test(id) ? [{ id }] : undefined;
};

const tokenize: Validator = (arg) => {
  if (arg === undefined) return [];
  if (typeof arg === 'string') return arg.length <= MAX_TOKENIZE_CHARS ? [arg] : undefined;
  if (!isRecord(arg) || typeof arg.text !== 'string' || arg.text.length > MAX_TOKENIZE_CHARS) return undefined;
  if (Object.keys(arg).some((k) => k !== 'text' && k !== 'encoding')) return undefined;
  if (arg.encoding !== undefined && !(typeof arg.encoding === 'string' && ENCODINGS.has(arg.encoding))) return undefined;
  return [arg.encoding === undefined ? { text: arg.text } : { text: arg.text, encoding: arg.encoding }];
};

const sample: Validator = (arg) => (arg === undefined ? [] : typeof arg === 'string' && /^[a-z0-9-]{1,40}\.md$/.test(arg) ? [arg] : undefined);

const ALLOWED: Readonly<Record<string, Validator>> = {
  'llmLab.openLecture': optionalId,
  'llmLab.openWalkthrough': none,
  'llmLab.runDemo': demo,
  'llmLab.openPlayground': optionalId,
  'llmLab.openTraining': none,
  'llmLab.cancel': none,
  'llmLab.selectModel': none,
  'llmLab.testConnection': none,
  'llmLab.lookUpTerm': optionalId,
  'llmLab.tokenize': tokenize,
  'llmLab.showGlossaryAlphabetically': none,
  'llmLab.showGlossaryByPart': none,
  'llmLab.openSample': sample,
  // Only the save dialog: a path argument would write wherever the page says.
  'llmLab.exportProgress': none,
};

/**
 * The command to run for a lecture page's request, or undefined when the page may not run it (unknown or
 * forbidden command, or an argument that does not validate).
 */
export function lectureCommand(command: unknown, arg: unknown): LectureCommand | undefined {
  if (typeof command !== 'string' || !Object.prototype.hasOwnProperty.call(ALLOWED, command)) return undefined;
  const args = ALLOWED[command](arg);
  return args ? { id: command, args } : undefined;
}

/** The commands a lecture page may run (for tests and documentation). */
export const LECTURE_COMMANDS: readonly string[] = Object.keys(ALLOWED);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}
