import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The text of a page's own files (its bundle, its style sheets), which WebviewHost inlines into the page's
 * HTML under the nonce. Why inline rather than load them from webview resource URIs: in VS Code for the web
 * (code-server), every webview registers its service worker in one shared scope, and a webview that opens
 * while another is loading its resources can leave those loads unanswered for 30 s (the new worker takes over
 * and the old one never gets the answer). A page that needs no resource loads to start cannot be caught by it.
 * Read once per file and kept (a few small files), re-read when the file changes (npm run watch).
 */
const cache = new Map<string, { mtimeMs: number; text: string }>();

export function pageAssetText(extensionPath: string, relativePath: string): string {
  const path = join(extensionPath, relativePath);
  const { mtimeMs } = statSync(path);
  const cached = cache.get(path);
  if (cached && cached.mtimeMs === mtimeMs) return cached.text;
  const text = readFileSync(path, 'utf8');
  cache.set(path, { mtimeMs, text });
  return text;
}
