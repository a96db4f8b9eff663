import { StreamEvent } from './types';

export type Usage = { promptTokens?: number; completionTokens?: number; totalTokens?: number };

/** Time to first token and tokens per second for one run (clock starts when the request is made; no rate for a body that came in one piece). */
export class StreamStats {
  private readonly start = performance.now();
  private first: number | undefined;
  private deltas = 0;

  /** Call for every text or reasoning delta (`count` deltas that arrived together). */
  delta(count = 1): void {
    if (count <= 0) return;
    if (this.first === undefined) this.first = performance.now();
    this.deltas += count;
  }

  done(finishReason: string | undefined, model: string | undefined, usage: Usage | undefined): StreamEvent {
    const now = performance.now();
    const tokens = usage?.completionTokens ?? this.deltas;
    const generating = this.first === undefined ? 0 : now - this.first;
    return {
      type: 'done',
      finishReason,
      model,
      ttftMs: this.first === undefined ? undefined : Math.round(this.first - this.start),
      totalMs: Math.round(now - this.start),
      tokensPerSecond: this.deltas > 1 && tokens > 1 && generating > 0 ? Math.round(((tokens - 1) / generating) * 1000 * 10) / 10 : undefined,
    };
  }
}

export function usageEvent(usage: Usage): StreamEvent {
  return { type: 'usage', ...usage };
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
