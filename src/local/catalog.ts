/** The curated models LLM Lab can download (media/local/catalog.json), validated. Pure, no vscode. */
import catalogJson from '../../media/local/catalog.json';

export interface CatalogModel {
  id: string;
  name: string;
  repo: string;
  file: string;
  revision: string;
  url: string;
  sizeMB: number;
  sizeApproximate?: boolean;
  /** Git LFS SHA-256 at the pinned revision, when known. */
  sha256?: string;
  parameters: string;
  license: string;
  licenseUrl?: string;
  contextLength: number;
  ramMB: number;
  languages: string[];
  note: string;
}

export interface Catalog {
  default: string;
  models: CatalogModel[];
}

const ID = /^[a-z0-9][a-z0-9.\-_]*$/;

/** Throws with every problem found, so a bad edit to the data file fails the unit tests. */
export function validateCatalog(raw: unknown): Catalog {
  const problems: string[] = [];
  const data = raw as { default?: unknown; models?: unknown };
  if (!Array.isArray(data?.models) || !data.models.length) throw new Error('catalog: "models" must be a non-empty array');
  const ids = new Set<string>();
  for (const [i, m] of (data.models as Record<string, unknown>[]).entries()) {
    const where = `catalog.models[${i}]`;
    for (const key of ['id', 'name', 'repo', 'file', 'revision', 'url', 'parameters', 'license', 'note']) {
      if (typeof m[key] !== 'string' || !(m[key]).trim()) problems.push(`${where}.${key} must be a non-empty string`);
    }
    for (const key of ['sizeMB', 'contextLength', 'ramMB']) {
      if (typeof m[key] !== 'number' || !((m[key]) > 0)) problems.push(`${where}.${key} must be a positive number`);
    }
    if (!Array.isArray(m.languages) || !m.languages.length) problems.push(`${where}.languages must list at least one language`);
    const id = String(m.id);
    if (!ID.test(id)) problems.push(`${where}.id "${id}" must be lower-case letters, digits, . - _`);
    if (ids.has(id)) problems.push(`${where}.id "${id}" appears twice`);
    ids.add(id);
    if (!String(m.file).endsWith('.gguf')) problems.push(`${where}.file must name a .gguf file`);
    const expected = `https://huggingface.co/${m.repo}/resolve/${m.revision}/${m.file}`;
    if (m.url !== expected) problems.push(`${where}.url must be ${expected}`);
    if (m.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(String(m.sha256))) problems.push(`${where}.sha256 must be 64 lower-case hex digits`);
    if ((m.ramMB as number) < (m.sizeMB as number)) problems.push(`${where}.ramMB cannot be less than the file size`);
  }
  if (typeof data.default !== 'string' || !ids.has(data.default)) problems.push('catalog.default must name a model id');
  if (problems.length) throw new Error(problems.join('\n'));
  return { default: data.default as string, models: data.models as CatalogModel[] };
}

let cached: Catalog | undefined;

export function loadCatalog(): Catalog {
  cached ??= validateCatalog(catalogJson);
  return cached;
}

export function findCatalogModel(id: string, catalog = loadCatalog()): CatalogModel | undefined {
  return catalog.models.find((m) => m.id === id);
}

export function defaultCatalogModel(catalog = loadCatalog()): CatalogModel {
  return findCatalogModel(catalog.default, catalog)!;
}

/** File name under the models folder: the catalog's own file name (unique per id). */
export function catalogFileName(model: CatalogModel): string {
  return model.file;
}
