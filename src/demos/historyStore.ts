import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addToHistory, HISTORY_LIMIT, isHistoryEntry, type HistoryEntry } from './playgroundSession';

/** What changed: the entry added as kept (outputs cut) and the ids removed (past the limit, or cleared). */
export interface HistoryChange {
  added?: HistoryEntry;
  removed: string[];
}

const FILE = /^(\d+)-[\w.-]+\.json$/;

/**
 * The playground history on disk: one JSON file per entry in `dir`, named `<saved>-<id>.json` so the
 * names sort in the order entries were added. A run writes only its own entry and deletes the files of
 * entries past HISTORY_LIMIT; nothing else is rewritten (the whole list in workspaceState was sent and
 * stored again on every run: 41 KB after one run, ≈ 2 MB when full).
 */
export class HistoryStore {
  private entries: HistoryEntry[] | undefined;
  /** id → file name. */
  private readonly files = new Map<string, string>();
  private lastSaved = 0;
  /** Writes one after another, in the order they were asked for. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly options: {
      warn?: (message: string) => void;
      /** The list kept before (workspaceState): moved into an empty store on the first read, then forgotten. */
      legacy?: { get(): unknown; forget(): void };
      now?: () => number;
    } = {},
  ) {}

  /** Newest first; read from disk the first time. */
  load(): Promise<HistoryEntry[]> {
    return this.serial(() => this.read());
  }

  /** Keeps `entry` as the newest (outputs cut, see addToHistory) and writes only its file. */
  add(entry: HistoryEntry): Promise<HistoryChange> {
    return this.serial(async () => {
      await this.read();
      return this.write(entry);
    });
  }

  /** Deletes every entry; returns their ids. */
  clear(): Promise<string[]> {
    return this.serial(async () => {
      await this.read();
      const removed = [...this.files.keys()];
      const names = [...this.files.values()];
      this.files.clear();
      this.entries = [];
      await Promise.all(names.map((name) => this.remove(name)));
      return removed;
    });
  }

  private async read(): Promise<HistoryEntry[]> {
    if (this.entries) return this.entries;
    const found: { saved: number; name: string; entry: HistoryEntry }[] = [];
    let names: string[] = [];
    try {
      names = await readdir(this.dir);
    } catch {
      // no history yet
    }
    // All files at once (at most HISTORY_LIMIT and a few left over), then taken and warned about in the
    // directory's order, as when they were read one after another.
    const read = await Promise.all(
      names.map(async (name) => {
        const saved = FILE.exec(name);
        if (!saved) return undefined;
        try {
          return { saved: Number(saved[1]), name, entry: JSON.parse(await readFile(join(this.dir, name), 'utf8')) as unknown };
        } catch (error) {
          return { name, error };
        }
      }),
    );
    for (const file of read) {
      if (!file) continue;
      if ('error' in file) this.options.warn?.(`demos: history entry ${file.name} not read: ${String(file.error)}`);
      else if (isHistoryEntry(file.entry)) found.push({ saved: file.saved, name: file.name, entry: file.entry });
    }
    found.sort((a, b) => b.saved - a.saved || (a.name < b.name ? 1 : -1));
    this.entries = [];
    for (const { saved, name, entry } of found) {
      this.lastSaved = Math.max(this.lastSaved, saved);
      if (this.files.has(entry.id)) {
        await this.remove(name);
        continue;
      }
      this.files.set(entry.id, name);
      this.entries.push(entry);
    }
    this.entries = this.entries.slice(0, HISTORY_LIMIT);
    const old = this.options.legacy?.get();
    if (Array.isArray(old)) {
      if (!found.length) for (const entry of old.filter(isHistoryEntry).slice(0, HISTORY_LIMIT).reverse()) await this.write(entry);
      this.options.legacy?.forget();
    }
    await this.prune();
    return this.entries;
  }

  private async write(entry: HistoryEntry): Promise<HistoryChange> {
    const before = this.entries ?? [];
    this.entries = addToHistory(before, entry);
    const added = this.entries[0];
    const previous = this.files.get(added.id);
    if (previous) await this.remove(previous);
    this.lastSaved = Math.max(this.lastSaved + 1, (this.options.now ?? Date.now)());
    const name = `${this.lastSaved}-${added.id.replace(/[^\w.-]/g, '_')}.json`;
    this.files.set(added.id, name);
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(join(this.dir, name), JSON.stringify(added));
    } catch (error) {
      this.options.warn?.(`demos: history not saved: ${String(error)}`);
    }
    return { added, removed: await this.prune() };
  }

  /** Deletes the files of entries past the limit; returns their ids. */
  private async prune(): Promise<string[]> {
    const kept = new Set(this.entries?.map((h) => h.id));
    const removed = [...this.files.keys()].filter((id) => !kept.has(id));
    for (const id of removed) {
      await this.remove(this.files.get(id)!);
      this.files.delete(id);
    }
    return removed;
  }

  private async remove(name: string): Promise<void> {
    try {
      await rm(join(this.dir, name), { force: true });
    } catch (error) {
      this.options.warn?.(`demos: history entry ${name} not deleted: ${String(error)}`);
    }
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
