/** Loads dist/content/glossary.json once, on first use (activation stays cheap). No vscode. */
import { readFileSync } from 'node:fs';
import type { Log } from '../core/log';
import { GlossaryIndex } from './glossaryIndex';

export class GlossaryStore {
  private index: GlossaryIndex | undefined;
  private error: Error | undefined;

  constructor(private readonly file: string, private readonly log: Pick<Log, 'error' | 'info'>) {}

  /** The glossary, or undefined when glossary.json is missing or broken (logged once). */
  get(): GlossaryIndex | undefined {
    if (this.index || this.error) return this.index;
    const started = Date.now();
    try {
      this.index = GlossaryIndex.fromJson(readFileSync(this.file, 'utf8'));
      this.log.info(`glossary: ${this.index.terms.length} terms loaded in ${Date.now() - started} ms`);
    } catch (error) {
      this.error = error as Error;
      this.log.error(`glossary: cannot load ${this.file}: ${this.error.message}`);
    }
    return this.index;
  }

  get loadError(): Error | undefined {
    return this.error;
  }
}
