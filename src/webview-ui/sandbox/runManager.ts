/**
 * The sandbox page's side of a run: one fresh Web Worker per program (made from the worker source the
 * extension sent, as a blob: URL), a time limit that starts when the program starts, an output cap,
 * cancel — each ends in `terminate()`, which stops the worker at once whatever it is doing.
 * One interpreter per language is started ahead of need ("standby") so a run does not wait for it;
 * it is still used for one program only.
 */
import type { FromSandboxWorker, RuntimeFiles, SandboxLanguage, SandboxLimits, SandboxRunResult, ToSandboxWorker } from '../../sandbox/sandboxMessages';

interface Standby {
  worker: Worker;
  /** Resolves with the load time, rejects with the reason it could not start. */
  loaded: Promise<number>;
  /** Messages that arrived after 'loaded' are handled by the run. */
  handoff: (handler: (message: FromSandboxWorker) => void) => void;
  crashed: () => string | undefined;
}

/** How long an unused interpreter is kept ready. */
const STANDBY_IDLE_MS = 3 * 60 * 1000;

export class RunManager {
  private files: Partial<Record<SandboxLanguage, RuntimeFiles>> = {};
  private waitingForFiles = new Map<SandboxLanguage, Array<() => void>>();
  private standby = new Map<SandboxLanguage, Standby>();
  private standbyTimers = new Map<SandboxLanguage, ReturnType<typeof setTimeout>>();
  private running = new Map<string, (end: 'cancelled') => void>();

  constructor(
    private readonly needRuntime: (language: SandboxLanguage) => void,
    private limits: SandboxLimits,
    private readonly log: (text: string) => void = () => undefined,
  ) {}

  setLimits(limits: SandboxLimits): void {
    this.limits = limits;
  }

  provide(language: SandboxLanguage, files: RuntimeFiles): void {
    this.log(`${language} interpreter files received`);
    this.files[language] = files;
    for (const wake of this.waitingForFiles.get(language) ?? []) wake();
    this.waitingForFiles.delete(language);
  }

  /** Starts an interpreter ahead of need (no-op if one is ready or starting). */
  warm(language: SandboxLanguage): void {
    if (this.standby.has(language)) {
      this.keepAlive(language);
      return;
    }
    if (!this.files[language]) {
      this.requestFiles(language).then(
        () => this.warm(language),
        () => undefined,
      );
      return;
    }
    this.standby.set(language, this.spawn(language, this.files[language], this.limits));
    this.keepAlive(language);
  }

  cancel(id: string): void {
    this.running.get(id)?.('cancelled');
  }

  get runningCount(): number {
    return this.running.size;
  }

  async run(
    id: string,
    language: SandboxLanguage,
    program: string,
    limits: SandboxLimits,
    onOutput: (stream: 'stdout' | 'stderr', text: string) => void,
    onStarted: () => void = () => undefined,
  ): Promise<SandboxRunResult> {
    const asked = performance.now();
    let cancelledEarly = false;
    this.running.set(id, () => (cancelledEarly = true));
    const empty = (end: SandboxRunResult['end'], stderr = ''): SandboxRunResult => ({ end, stdout: '', stderr, durationMs: 0, startMs: Math.round(performance.now() - asked) });
    try {
      if (!this.files[language]) await this.withTimeout(this.requestFiles(language), limits.startLimitMs);
    } catch {
      this.running.delete(id);
      this.log(`${language} interpreter files did not arrive within ${limits.startLimitMs} ms`);
      return empty('startFailed', `The ${language} interpreter files did not arrive.`);
    }
    if (cancelledEarly) {
      this.running.delete(id);
      return empty('cancelled');
    }
    let standby = this.standby.get(language);
    this.standby.delete(language);
    this.clearStandbyTimer(language);
    if (!standby) standby = this.spawn(language, this.files[language]!, limits);
    const worker = standby.worker;

    return new Promise<SandboxRunResult>((resolve) => {
      let stdout = '';
      let stderr = '';
      let startedAt = 0;
      let startMs = 0;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let settled = false;
      const finish = (end: SandboxRunResult['end']): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        worker.terminate();
        this.running.delete(id);
        resolve({ end, stdout, stderr, durationMs: startedAt ? Math.round(performance.now() - startedAt) : 0, startMs });
        // The next program of this language should not wait for an interpreter (after this result is out).
        setTimeout(() => this.warm(language), 50);
      };
      this.running.set(id, finish);
      if (cancelledEarly) return finish('cancelled');
      const startTimer = setTimeout(() => {
        stderr += `The ${language} interpreter did not start within ${Math.round(limits.startLimitMs / 1000)} s.`;
        finish('startFailed');
      }, limits.startLimitMs);
      standby.loaded.then(
        () => {
          clearTimeout(startTimer);
          if (settled) return;
          startMs = Math.round(performance.now() - asked);
          standby.handoff((message) => {
            switch (message.type) {
              case 'started':
                startedAt = performance.now();
                timer = setTimeout(() => finish('timeout'), limits.timeLimitMs);
                onStarted();
                break;
              case 'output':
                if (message.stream === 'stdout') stdout += message.text;
                else stderr += message.text;
                onOutput(message.stream, message.text);
                break;
              case 'outputLimit':
                finish('outputLimit');
                break;
              case 'exit':
                finish(message.ok ? 'ok' : 'error');
                break;
              default:
                break;
            }
          });
          const crash = standby.crashed();
          if (crash !== undefined) {
            stderr += crash;
            finish('crashed');
            return;
          }
          const run: ToSandboxWorker = { type: 'run', program };
          worker.postMessage(run);
        },
        (reason: unknown) => {
          clearTimeout(startTimer);
          stderr += String(reason instanceof Error ? reason.message : reason);
          finish('startFailed');
        },
      );
    });
  }

  private spawn(language: SandboxLanguage, files: RuntimeFiles, limits: SandboxLimits): Standby {
    const url = URL.createObjectURL(new Blob([files.workerSource], { type: 'text/javascript' }));
    const worker = new Worker(url, { name: `llm-lab-sandbox-${language}` });
    URL.revokeObjectURL(url);
    let handler: ((message: FromSandboxWorker) => void) | undefined;
    let crash: string | undefined;
    let resolveLoaded!: (ms: number) => void;
    let rejectLoaded!: (reason: Error) => void;
    const loaded = new Promise<number>((resolve, reject) => {
      resolveLoaded = resolve;
      rejectLoaded = reject;
    });
    loaded.catch(() => undefined);
    worker.onmessage = (event: MessageEvent<FromSandboxWorker>) => {
      const message = event.data;
      if (message?.type === 'loaded') {
        this.log(`${language} interpreter ready in ${message.ms} ms`);
        resolveLoaded(message.ms);
      } else if (message?.type === 'loadFailed') {
        this.log(`${language} interpreter failed to start: ${message.message}`);
        rejectLoaded(new Error(message.message));
      }
      else handler?.(message);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      crash = `The interpreter stopped: ${event.message || 'an internal error'}`;
      rejectLoaded(new Error(crash));
      handler?.({ type: 'output', stream: 'stderr', text: crash });
      handler?.({ type: 'exit', ok: false });
    };
    const load: ToSandboxWorker = { type: 'load', language, files: this.filesFor(language, files), limits };
    worker.postMessage(load);
    return { worker, loaded, handoff: (h) => (handler = h), crashed: () => crash };
  }

  /** Only what the interpreter of `language` needs crosses into its worker. */
  private filesFor(language: SandboxLanguage, files: RuntimeFiles): RuntimeFiles {
    return language === 'python' ? { workerSource: '', python: files.python } : { workerSource: '', javascript: files.javascript };
  }

  private requestFiles(language: SandboxLanguage): Promise<void> {
    return new Promise((resolve) => {
      const list = this.waitingForFiles.get(language) ?? [];
      list.push(resolve);
      if (list.length === 1) {
        this.log(`${language} interpreter files requested`);
        this.needRuntime(language);
      }
      this.waitingForFiles.set(language, list);
    });
  }

  private withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timeout')), ms);
      promise.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  private keepAlive(language: SandboxLanguage): void {
    this.clearStandbyTimer(language);
    this.standbyTimers.set(
      language,
      setTimeout(() => {
        this.standby.get(language)?.worker.terminate();
        this.standby.delete(language);
        this.standbyTimers.delete(language);
      }, STANDBY_IDLE_MS),
    );
  }

  private clearStandbyTimer(language: SandboxLanguage): void {
    const timer = this.standbyTimers.get(language);
    if (timer) clearTimeout(timer);
    this.standbyTimers.delete(language);
  }
}
