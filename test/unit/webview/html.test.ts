import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { buildWebviewHtml, inlineScriptText, inlineStyleText } from '../../../src/webview/html';

describe('webview HTML shell', () => {
  const page = (script: string, css = 'body { color: red }') =>
    buildWebviewHtml({ cspSource: 'https://x.vscode-cdn.net', title: 'T', lang: 'en', script: { text: script }, styles: [{ text: css }], initialData: null, nonce: 'abc123' });

  it('inlines the script and style sheets under the nonce, and the policy allows only that nonce for both', () => {
    const html = page('console.log(1)').replace(/&#39;/g, "'");
    assert.match(html, /<script nonce="abc123">console\.log\(1\)<\/script>/);
    assert.match(html, /<style nonce="abc123">body \{ color: red \}<\/style>/);
    assert.match(html, /script-src 'nonce-abc123'/);
    assert.match(html, /style-src 'nonce-abc123'/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|<link|src="/);
  });

  it('a "</script>" or "<!--" inside the script cannot end the element early, and the script means the same', () => {
    const code = 'var a = "</script><script>alert(1)</script>"; var b = `<!-- x`; var c = /<\\/SCRIPT>/u.test("</SCRIPT>"); [a, b, c]';
    const escaped = inlineScriptText(code);
    assert.doesNotMatch(escaped, /<\/script|<!--/i);
    assert.equal(JSON.stringify(runInNewContext(escaped)), JSON.stringify(runInNewContext(code)));
    const html = page(code);
    assert.equal(html.match(/<\/script>/g)?.length, 1, 'exactly one closing tag: ours');
  });

  it('a "</style>" inside a style sheet is escaped', () => {
    assert.equal(inlineStyleText('a::after { content: "</style>" }'), 'a::after { content: "<\\/style>" }');
    assert.equal(page('1', 'a::after { content: "</STYLE>" }').match(/<\/style>/gi)?.length, 1);
  });

  it('a page may still load its script from a URL (test harnesses), with the nonce', () => {
    const html = buildWebviewHtml({ cspSource: 'http://127.0.0.1:1', title: 'T', lang: 'en', script: { uri: 'http://127.0.0.1:1/page.js' }, styles: [], initialData: null, nonce: 'n1' });
    assert.match(html, /<script nonce="n1" src="http:\/\/127\.0\.0\.1:1\/page\.js"><\/script>/);
  });
});
