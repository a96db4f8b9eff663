/** Which local model `llmLab.local.model` means, and what is downloaded (pure, no vscode). */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { Catalog, findCatalogModel, loadCatalog } from './catalog';
import type { LocalModelRef } from './localProvider';

export interface DownloadedModel {
  /** Catalog id when the file is a catalog model. */
  id?: string;
  name: string;
  path: string;
  bytes: number;
}

/** Finished .gguf files in the models folder (never a .part), catalog models first in catalog order. */
export function listDownloaded(dir: string, catalog: Catalog = loadCatalog()): DownloadedModel[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.gguf'));
  } catch {
    return [];
  }
  const order = (name: string): number => {
    const i = catalog.models.findIndex((m) => m.file === name);
    return i < 0 ? catalog.models.length : i;
  };
  return names
    .sort((a, b) => order(a) - order(b) || a.localeCompare(b))
    .map((file) => {
      const entry = catalog.models.find((m) => m.file === file);
      return { id: entry?.id, name: entry?.id ?? file.replace(/\.gguf$/, ''), path: join(dir, file), bytes: statSync(join(dir, file)).size };
    });
}

/**
 * The setting is a catalog id (its file in `dir`), an absolute .gguf path, or empty (the first downloaded
 * model). Undefined when that model is not on disk.
 */
export function resolveLocalModel(setting: string, dir: string, catalog: Catalog = loadCatalog()): LocalModelRef | undefined {
  const value = setting.trim();
  if (!value) {
    const first = listDownloaded(dir, catalog)[0];
    return first && { path: first.path, name: first.name };
  }
  const entry = findCatalogModel(value, catalog);
  if (entry) {
    const path = join(dir, entry.file);
    return existsSync(path) ? { path, name: entry.id } : undefined;
  }
  if (isAbsolute(value) && value.toLowerCase().endsWith('.gguf') && existsSync(value)) return { path: value, name: basename(value).replace(/\.gguf$/i, '') };
  return undefined;
}
