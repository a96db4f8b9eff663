/** One running request: its signal aborts when the caller's does, on cancelAll(), or when a run with the same key starts. */
export interface Run {
  readonly id: number;
  readonly key: string | undefined;
  readonly signal: AbortSignal;
  cancel(): void;
  /** The run ended (finished or failed): forget it. */
  dispose(): void;
}

/** Every running request, so `llmLab.cancel` can stop them and a new run can replace an old one. */
export class RunRegistry {
  private readonly runs = new Map<number, { run: Run; controller: AbortController }>();
  private nextId = 1;

  constructor(private readonly onChange: (running: number) => void = () => undefined) {}

  get running(): number {
    return this.runs.size;
  }

  start(key?: string, external?: AbortSignal): Run {
    if (key !== undefined) {
      for (const { run } of [...this.runs.values()]) if (run.key === key) run.cancel();
    }
    const controller = new AbortController();
    const id = this.nextId++;
    const onExternal = (): void => controller.abort();
    if (external?.aborted) controller.abort();
    else external?.addEventListener('abort', onExternal, { once: true });
    const run: Run = {
      id,
      key,
      signal: controller.signal,
      cancel: () => controller.abort(),
      dispose: () => {
        external?.removeEventListener('abort', onExternal);
        if (this.runs.delete(id)) this.onChange(this.runs.size);
      },
    };
    this.runs.set(id, { run, controller });
    this.onChange(this.runs.size);
    return run;
  }

  /** Aborts every run; returns how many there were. */
  cancelAll(): number {
    const count = this.runs.size;
    for (const { controller } of [...this.runs.values()]) controller.abort();
    return count;
  }
}
