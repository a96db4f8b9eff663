import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sanitize } from './sanitizer';

/**
 * Turns a theme-aware SVG file into inline, sanitized markup that works under the webview's CSP:
 * - `style="…"` attributes and presentation attributes using var(--vscode-…) or currentColor become classes,
 *   with the rules collected into one stylesheet (inline styles would need 'unsafe-inline');
 * - `<style>` elements move into that stylesheet, scoped to the figure;
 * - ids are prefixed per figure so two figures on one page cannot clash (url(#…) references follow).
 */
export class FigureInliner {
  private readonly rules = new Map<string, string>();
  private readonly cache = new Map<string, string>();

  constructor(private readonly mediaDir: string) {}

  inline(path: string): string | undefined {
    if (!/^images\/[a-z0-9._-]+\.svg$/i.test(path)) return undefined;
    const cached = this.cache.get(path);
    if (cached !== undefined) return cached;
    const file = join(this.mediaDir, path);
    if (!existsSync(file)) return undefined;
    const name = path.replace(/^images\//, '').replace(/\.svg$/i, '').replace(/[^a-z0-9-]/gi, '-');
    const markup = this.transform(readFileSync(file, 'utf8'), name);
    this.cache.set(path, markup);
    return markup;
  }

  /** The stylesheet every page with figures needs. */
  css(): string {
    return [...this.rules.entries()].map(([cls, decl]) => `.${cls}{${decl}}`).join('\n') + '\n' + [...this.scoped].join('\n');
  }

  private readonly scoped = new Set<string>();

  private classFor(declarations: string): string {
    const normalized = declarations
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .join(';');
    for (const [cls, decl] of this.rules) if (decl === normalized) return cls;
    const cls = `svgs-${this.rules.size + 1}`;
    this.rules.set(cls, normalized);
    return cls;
  }

  private transform(svg: string, name: string): string {
    let text = svg.replace(/<\?xml[^>]*\?>/g, '').replace(/<!DOCTYPE[^>]*>/gi, '').replace(/<!--[\s\S]*?-->/g, '');
    // <style> blocks: scope each selector to this figure.
    text = text.replace(/<style[^>]*>([\s\S]*?)<\/style>/gi, (_, css: string) => {
      const cleaned = css.replace(/<!\[CDATA\[|\]\]>/g, '');
      for (const rule of cleaned.split('}')) {
        const [selectors, body] = rule.split('{');
        if (!selectors || !body || selectors.trim().startsWith('@')) continue;
        const scopedSelectors = selectors
          .split(',')
          .map((s) => `.fig-${name} ${s.trim()}`)
          .join(',');
        this.scoped.add(`${scopedSelectors}{${body.trim()}}`);
      }
      return '';
    });
    // Elements: move style attributes and var()/currentColor presentation attributes into classes.
    text = text.replace(/<([a-zA-Z][\w:-]*)(\s[^<>]*?)?(\/?)>/g, (whole, tag: string, attrs: string | undefined, selfClose: string) => {
      if (!attrs) return whole;
      const declarations: string[] = [];
      let rest = attrs.replace(/\sstyle\s*=\s*"([^"]*)"/i, (_, style: string) => {
        declarations.push(style);
        return '';
      });
      rest = rest.replace(/\s(fill|stroke|color|stop-color|font-family)\s*=\s*"([^"]*(?:var\(|currentColor)[^"]*)"/gi, (_, attr: string, value: string) => {
        declarations.push(`${attr}:${value}`);
        return '';
      });
      if (!declarations.length) return whole;
      const cls = this.classFor(declarations.join(';'));
      if (/\sclass\s*=\s*"/i.test(rest)) rest = rest.replace(/\sclass\s*=\s*"([^"]*)"/i, (_, c: string) => ` class="${c} ${cls}"`);
      else rest += ` class="${cls}"`;
      return `<${tag}${rest}${selfClose}>`;
    });
    // Figure-unique ids.
    text = text.replace(/\sid="([^"]+)"/g, ` id="${name}--$1"`).replace(/url\(#([^)]+)\)/g, `url(#${name}--$1)`).replace(/href="#([^"]+)"/g, `href="#${name}--$1"`);
    text = text.replace(/<svg\b([^>]*)>/i, (whole, attrs: string) =>
      /\sclass="/.test(attrs) ? whole.replace(/\sclass="/, ` class="fig-${name} `) : `<svg${attrs} class="fig-${name}">`,
    );
    // Fixed pixel sizes would overflow narrow panels; the CSS sizes figures by width.
    text = text.replace(/<svg\b([^>]*)>/i, (whole, attrs: string) => `<svg${attrs.replace(/\s(width|height)="[^"]*"/g, '')}>`);
    return sanitize(text.trim());
  }
}
