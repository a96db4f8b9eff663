/**
 * Shuffled epochs over a dataset (each item seen once before any repeats), from a seeded RNG: how the SFT
 * and reward-model stages draw their batches.
 */
import type { Rng } from '../rng';

export class Epochs<T> {
  private order: number[] = [];

  /** Only items passing `use` are drawn. */
  constructor(private readonly items: readonly T[], private readonly rng: Rng, private readonly use: (item: T) => boolean = () => true) {}

  batch(size: number): T[] {
    const out: T[] = [];
    while (out.length < size) {
      if (!this.order.length) {
        this.order = this.items.map((_, i) => i).filter((i) => this.use(this.items[i]));
        if (!this.order.length) throw new Error('nothing to draw a batch from');
        for (let i = this.order.length - 1; i > 0; i--) {
          const j = this.rng.int(i + 1);
          [this.order[i], this.order[j]] = [this.order[j], this.order[i]];
        }
      }
      out.push(this.items[this.order.pop()!]);
    }
    return out;
  }
}
