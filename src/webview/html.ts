import { randomBytes } from 'node:crypto';

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function createNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export interface WebviewShellOptions {
  /** webview.cspSource */
  cspSource: string;
  title: string;
  lang: string;
  /** Already converted with webview.asWebviewUri. */
  scriptUri: string;
  styleUris: string[];
  /** Serialized into a data- attribute (escaped), never into an inline script. */
  initialData: unknown;
  nonce?: string;
  /** A stricter or differently shaped policy for this page (built with the same nonce); default: the panel policy. */
  csp?: string;
  /** Extra hosts for img-src/font-src are never allowed: everything comes from the extension. */
}

/**
 * The one HTML shell for every panel: strict CSP (default-src 'none'), scripts by nonce only,
 * styles, images and fonts from the extension (webview.cspSource) only, no remote anything.
 */
export function buildWebviewHtml(options: WebviewShellOptions): string {
  const nonce = options.nonce ?? createNonce();
  const csp = options.csp ?? [
    "default-src 'none'",
    `img-src ${options.cspSource} data:`,
    `style-src ${options.cspSource}`,
    `font-src ${options.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const styles = options.styleUris.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(options.lang)}">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${escapeHtml(options.title)}</title>
  </head>
  <body>
    <div id="app" data-initial="${escapeHtml(JSON.stringify(options.initialData ?? null))}"></div>
    <script nonce="${nonce}" src="${escapeHtml(options.scriptUri)}"></script>
  </body>
</html>`;
}
