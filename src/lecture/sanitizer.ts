import sanitizeHtml from 'sanitize-html';

const MATHML_TAGS = [
  'math', 'semantics', 'annotation', 'mrow', 'mi', 'mo', 'mn', 'ms', 'mtext', 'mspace', 'msup', 'msub', 'msubsup',
  'mfrac', 'msqrt', 'mroot', 'mtable', 'mtr', 'mtd', 'munder', 'mover', 'munderover', 'mstyle', 'mpadded',
  'menclose', 'mphantom', 'merror',
];
const MATHML_ATTRS = [
  'mathvariant', 'display', 'encoding', 'stretchy', 'fence', 'separator', 'lspace', 'rspace', 'accent', 'accentunder',
  'columnalign', 'rowalign', 'rowspacing', 'columnspacing', 'columnlines', 'width', 'height', 'depth', 'voffset',
  'xmlns', 'minsize', 'maxsize', 'movablelimits', 'linethickness', 'scriptlevel', 'displaystyle', 'notation', 'symmetric', 'largeop',
];
const SVG_TAGS = [
  'svg', 'g', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan', 'title', 'desc',
  'defs', 'marker', 'lineargradient', 'radialgradient', 'stop', 'clippath', 'pattern', 'symbol', 'use',
];
const SVG_ATTRS = [
  'viewbox', 'x', 'y', 'x1', 'x2', 'y1', 'y2', 'd', 'points', 'r', 'rx', 'ry', 'cx', 'cy', 'dx', 'dy', 'width', 'height',
  'transform', 'text-anchor', 'dominant-baseline', 'alignment-baseline', 'font-size', 'font-weight', 'font-style',
  'font-family', 'fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-linecap', 'stroke-linejoin',
  'marker-end', 'marker-start', 'marker-mid', 'markerwidth', 'markerheight', 'markerunits', 'refx', 'refy', 'orient',
  'opacity', 'fill-opacity', 'stroke-opacity', 'xmlns', 'preserveaspectratio', 'offset', 'stop-color', 'stop-opacity',
  'letter-spacing', 'clip-path', 'gradientunits', 'gradienttransform', 'patternunits', 'role', 'aria-label',
  'aria-labelledby', 'aria-describedby', 'focusable', 'href', 'textlength', 'lengthadjust', 'visibility',
];

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'h2', 'h3', 'h4', 'h5', 'p', 'br', 'hr', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'span', 'div', 'em', 'strong',
    'del', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'figure', 'figcaption', 'sup', 'sub', 'kbd', 'button',
    'details', 'summary', 'abbr', 'dl', 'dt', 'dd',
    ...MATHML_TAGS,
    ...SVG_TAGS,
  ],
  allowedAttributes: {
    '*': ['class', 'id', 'role', 'aria-label', 'aria-hidden', 'title', 'data-demo', 'data-widget', 'data-section', 'data-term', 'data-media', 'data-external', 'data-lang', 'tabindex'],
    a: ['href'],
    img: ['src', 'alt', 'width', 'height'],
    th: ['align'],
    td: ['align'],
    ol: ['start'],
    ...Object.fromEntries(MATHML_TAGS.map((tag) => [tag, MATHML_ATTRS])),
    ...Object.fromEntries(SVG_TAGS.map((tag) => [tag, SVG_ATTRS])),
  },
  // Links: the web (opened by the extension after VS Code's confirmation), in-page anchors, and only
  // LLM Lab's own commands. Images: only our media placeholder or inline data from the extension.
  allowedSchemes: ['https', 'http'],
  allowedSchemesByTag: { img: ['llmlab-media'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  parser: { lowerCaseAttributeNames: true },
  exclusiveFilter: (frame) => frame.tag === 'use' && !/^#/.test(frame.attribs.href ?? ''),
  transformTags: {
    a: (tagName, attribs) => {
      if (attribs.href === undefined) return { tagName, attribs };
      // Check the URL a browser would follow (entities are already decoded by the parser), and keep exactly
      // that, so a leading space or a tab inside "command" cannot slip past the allow-list.
      const href = browserUrl(attribs.href);
      if (/^command:/i.test(href) && !/^command:llmLab\.[A-Za-z]+(\?|$)/.test(href)) {
        return { tagName: 'span', attribs: {} };
      }
      return { tagName, attribs: { ...attribs, href } };
    },
  },
};

/**
 * A URL as the WHATWG URL parser reads it: leading and trailing C0 controls and spaces trimmed, and every tab
 * and newline removed (https://url.spec.whatwg.org/#concept-basic-url-parser). Other control characters are
 * removed too: no legitimate link has them.
 */
export function browserUrl(href: string): string {
  // eslint-disable-next-line no-control-regex
  return href.replace(/[\u0000-\u001f\u007f]/g, '').replace(/^ +| +$/g, '');
}

/** The one sanitizer for lecture markdown and model output before either reaches a webview. */
export function sanitize(html: string): string {
  // command: links are allowed only for llmLab.* (checked in transformTags); sanitize-html needs the scheme listed.
  return sanitizeHtml(html, { ...OPTIONS, allowedSchemes: [...(OPTIONS.allowedSchemes as string[]), 'command'] });
}
