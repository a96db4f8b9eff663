import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Folder-name prefixes of the temp folders LLM Lab creates (programs run by the PAL demo). */
export const TEMP_PREFIXES: readonly string[] = ['llmlab-run-'];
export const STALE_AFTER_MS = 10 * 60_000;

/**
 * Removes our temp folders that a run left behind when its extension host died (a crash or a kill skips the
 * cleanup in `finally`). Only real directories (never a symbolic link, never a file) directly under `dir`,
 * named with one of our prefixes, owned by this user, and untouched for `maxAgeMs` — so a run in progress in
 * another window is left alone. `rm` does not follow links inside. Returns the names removed; errors on one
 * entry (gone meanwhile, not ours) skip that entry.
 */
export async function cleanStaleTempDirs(
  dir: string,
  { prefixes = TEMP_PREFIXES, maxAgeMs = STALE_AFTER_MS, now = Date.now() }: { prefixes?: readonly string[]; maxAgeMs?: number; now?: number } = {},
): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const uid = process.getuid?.();
  const removed: string[] = [];
  for (const name of names) {
    if (!prefixes.some((prefix) => name.startsWith(prefix))) continue;
    const path = join(dir, name);
    try {
      const info = await lstat(path);
      if (!info.isDirectory() || info.isSymbolicLink()) continue;
      if (uid !== undefined && info.uid !== uid) continue;
      if (now - info.mtimeMs < maxAgeMs) continue;
      await rm(path, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Removed by someone else meanwhile, or not ours to remove.
    }
  }
  return removed;
}
