// Dev-only page that mounts every widget with a fake WidgetContext (not shipped). The widget requests are
// answered in the page by the real handler (tokenizer + n-gram model bundled in), as the extension would.
import { setLanguage, t, type Lang } from '../../src/core/l10n';
import { loadNgramModels, type CompactModel } from '../../src/lessons/ngramModel';
import { handleWidgetRequest } from '../../src/lessons/widgetRequestHandler';
import { mountWidget, type WidgetId } from '../../src/webview-ui/widgets/index';
import { WIDGET_IDS } from '../../src/lessons/widgetProtocol';

// Written by build.mjs into dist/data.js (a plain script loaded before this bundle).
const { model, zh } = (window as unknown as { harnessData: { model: CompactModel; zh: Record<string, string> } }).harnessData;

const params = new URLSearchParams(location.search);
const lang: Lang = params.get('lang') === 'zh-cn' ? 'zh-cn' : 'en';
setLanguage(lang, zh);
document.documentElement.lang = lang;
document.body.classList.add(params.get('theme') === 'dark' ? 'vscode-dark' : 'vscode-light');
const only = params.get('widget');

const models = loadNgramModels(model);
const store = new Map<string, unknown>(Object.entries(JSON.parse(sessionStorage.getItem('widgets') ?? '{}')));
const used: string[] = [];
(window as unknown as { widgetUsed: string[] }).widgetUsed = used;

const ids = (only ? [only] : WIDGET_IDS) as WidgetId[];
for (const id of ids) {
  const host = document.createElement('div');
  host.className = 'try-it';
  host.dataset.widget = id;
  document.getElementById('app')!.append(host);
  mountWidget(host, id, {
    lang,
    t,
    request: async (payload) => {
      const result = await handleWidgetRequest(payload, { ngram: async (l) => models[l] });
      if (!result.ok) throw new Error(result.error);
      return result.value;
    },
    getState: () => store.get(id),
    setState: (value) => {
      store.set(id, value);
      sessionStorage.setItem('widgets', JSON.stringify(Object.fromEntries(store)));
    },
    onUsed: () => used.push(id),
  });
}
// For profiling: mount a widget again into a new host and return the synchronous mount time.
(window as unknown as { remount: (id: WidgetId) => number }).remount = (id) => {
  const host = document.createElement('div');
  document.getElementById('app')!.append(host);
  mountWidget(host, id, { lang, t, request: async () => { throw new Error('offline'); }, getState: () => undefined, setState: () => undefined, onUsed: () => undefined });
  return Number(host.dataset.widgetRenderMs);
};
document.body.dataset.ready = '1';
