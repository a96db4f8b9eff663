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
  /**
   * The page's script: its text, inlined under the nonce (what LLM Lab's pages use, see webviewHost.ts), or a
   * URL already converted with webview.asWebviewUri.
   */
  script: { text: string } | { uri: string };
  /** Style sheets: their text, inlined under the nonce, or URLs already converted with webview.asWebviewUri. */
  styles: Array<{ text: string } | { uri: string }>;
  /** Serialized into a data- attribute (escaped), never into an inline script. */
  initialData: unknown;
  nonce?: string;
  /** A stricter or differently shaped policy for this page (built with the same nonce); default: the panel policy. */
  csp?: string;
  /** Extra hosts for img-src/font-src are never allowed: everything comes from the extension. */
}

/**
 * Makes a script safe inside <script>: the HTML parser ends the element at `</script` whatever the JavaScript
 * around it means, and `<!--` can switch it into an escaped state. `\x3C` is `<` in JavaScript strings,
 * template literals and regular expressions (also with the u flag); bundles have neither outside those.
 */
export function inlineScriptText(text: string): string {
  return text.replace(/<(?=\/script|!--)/gi, '\\x3C');
}

/** Makes a style sheet safe inside <style> (`\/` is `/` in CSS). */
export function inlineStyleText(text: string): string {
  return text.replace(/<\/(?=style)/gi, '<\\/');
}

/**
 * The one HTML shell for every panel: strict CSP (default-src 'none'), scripts and style sheets by nonce
 * only, images and fonts from the extension (webview.cspSource) only, no remote anything.
 */
export function buildWebviewHtml(options: WebviewShellOptions): string {
  const nonce = options.nonce ?? createNonce();
  const csp = options.csp ?? [
    "default-src 'none'",
    `img-src ${options.cspSource} data:`,
    `style-src 'nonce-${nonce}'`,
    `font-src ${options.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const styles = options.styles
    .map((style) =>
      'text' in style
        ? `<style nonce="${nonce}">${inlineStyleText(style.text)}</style>`
        : `<link rel="stylesheet" nonce="${nonce}" href="${escapeHtml(style.uri)}">`,
    )
    .join('\n    ');
  const script =
    'text' in options.script
      ? `<script nonce="${nonce}">${inlineScriptText(options.script.text)}</script>`
      : `<script nonce="${nonce}" src="${escapeHtml(options.script.uri)}"></script>`;
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
    ${script}
  </body>
</html>`;
}
