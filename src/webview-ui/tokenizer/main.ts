// The tokenizer panel's webview: one tokenizer widget, fed by llmLab.tokenize.
import { setLanguage, t } from '../../core/l10n';
import type { FromTokenizerWebview, ToTokenizerWebview, TokenizerInit } from '../../webview/tokenizerMessages';
import { createWidgetRequester } from '../../webview/widgetMessages';
import { initialData, vscodeApi } from '../shared/vscodeApi';
import { mountTokenizer } from '../widgets/tokenizer';

interface SavedState {
  widget?: unknown;
}

const vscode = vscodeApi<SavedState>();
const post = (message: FromTokenizerWebview): void => vscode.postMessage(message);
const init = initialData<TokenizerInit>();
let lang = init.lang;
setLanguage(lang, init.strings);
document.documentElement.lang = lang;

const requester = createWidgetRequester((envelope) => post(envelope));
const app = document.getElementById('app')!;
app.classList.add('tokenizer-panel');

let lastInitial: { text: string; encoding: TokenizerInit['encoding'] } | undefined;

function mount(initial?: { text: string; encoding: TokenizerInit['encoding'] }): void {
  lastInitial = initial;
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
      onUsed: () => post({ type: 'widgetUsed', id: 'tokenizer' }),
    },
    initial,
  );
}

window.addEventListener('message', (event: MessageEvent<ToTokenizerWebview>) => {
  const message = event.data;
  if (requester.handleMessage(message)) return;
  if (message?.type === 'show') mount({ text: message.text, encoding: message.encoding });
  if (message?.type === 'language') {
    lang = message.lang;
    setLanguage(lang, message.strings);
    document.documentElement.lang = lang;
    // Same text and encoding (the saved state if the reader changed them), new labels.
    mount(vscode.getState()?.widget ? undefined : lastInitial);
  }
});

// A restored panel keeps what the reader typed; a new one shows the text it was opened with.
mount(vscode.getState()?.widget || !init.text ? undefined : { text: init.text, encoding: init.encoding });
post({ type: 'ready' });
