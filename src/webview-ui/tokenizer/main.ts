// The tokenizer panel's page: one tokenizer widget, fed by llmLab.tokenize.
import { setLanguage, t, type Lang } from '../../core/l10n';
import type { FromTokenizerPage, ToTokenizerPage, TokenizerInit } from '../../lessons/tokenizerMessages';
import type { WidgetRequests } from '../../lessons/widgetProtocol';
import { createRequester } from '../../webview/protocol';
import { vscodeApi } from '../shared/vscodeApi';
import { mountTokenizer } from '../widgets/tokenizer';

interface SavedState {
  widget?: unknown;
}

type Shown = { text: string; encoding: TokenizerInit['encoding'] };

const vscode = vscodeApi<SavedState>();
const post = (message: FromTokenizerPage): void => vscode.postMessage(message);
const requester = createRequester<WidgetRequests>((envelope) => post(envelope));
const app = document.getElementById('app')!;
app.classList.add('tokenizer-panel');

let lang: Lang = 'en';
let mounted = false;
let lastShown: Shown | undefined;

function mount(shown?: Shown): void {
  mounted = true;
  lastShown = shown;
  const host = document.createElement('div');
  host.dataset.widget = 'tokenizer';
  app.replaceChildren(host);
  mountTokenizer(
    host,
    {
      lang,
      t,
      request: (payload) => requester.request(payload),
      getState: () => vscode.getState()?.widget,
      setState: (widget) => vscode.setState({ ...(vscode.getState() ?? {}), widget }),
      onUsed: () => post({ type: 'widgetUsed' }),
    },
    shown,
  );
}

function applyInit(init: TokenizerInit): void {
  lang = init.lang;
  setLanguage(lang, init.strings);
  document.documentElement.lang = lang;
  if (mounted) {
    // The language changed: same text and encoding (the saved state if the reader changed them), new labels.
    mount(vscode.getState()?.widget ? undefined : lastShown);
    return;
  }
  // A restored page keeps what the reader typed; a new panel shows the text it was opened with.
  mount(vscode.getState()?.widget || !init.text ? undefined : { text: init.text, encoding: init.encoding });
}

window.addEventListener('message', (event: MessageEvent<ToTokenizerPage>) => {
  const message = event.data;
  if (requester.handleMessage(message)) return;
  if (message?.type === 'init') applyInit(message.init);
  else if (message?.type === 'show') mount({ text: message.text, encoding: message.encoding });
});

post({ type: 'ready' });
