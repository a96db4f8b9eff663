/**
 * Streams text while watching for stop strings: text that could still turn into a stop string is held
 * back until it either completes one (generation ends, the stop string is not emitted) or cannot.
 */
export class StopMatcher {
  private pending = '';

  constructor(private readonly stops: readonly string[]) {}

  /** Returns the text safe to emit now and whether a stop string was reached. */
  push(text: string): { emit: string; stopped: boolean } {
    const buffer = this.pending + text;
    let first = -1;
    for (const stop of this.stops) {
      if (!stop) continue;
      const at = buffer.indexOf(stop);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    }
    if (first >= 0) {
      this.pending = '';
      return { emit: buffer.slice(0, first), stopped: true };
    }
    const hold = this.longestPrefixSuffix(buffer);
    this.pending = buffer.slice(buffer.length - hold);
    return { emit: buffer.slice(0, buffer.length - hold), stopped: false };
  }

  /** What is still held back (emit it when generation ends for another reason). */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }

  private longestPrefixSuffix(buffer: string): number {
    let best = 0;
    for (const stop of this.stops) {
      for (let n = Math.min(stop.length - 1, buffer.length); n > best; n--) {
        if (buffer.endsWith(stop.slice(0, n))) {
          best = n;
          break;
        }
      }
    }
    return best;
  }
}
