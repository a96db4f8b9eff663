// Dev-only stand-in for VS Code around the tokenizer panel's real webview bundle: acquireVsCodeApi, and the
// extension side answering widget requests with the real handler and `ready` with the init (what the
// panel.html's data-initial holds).
import { createWidgetRequestHandler } from '../../src/lessons/widgetRequestHandler';
import { answerRequest, isRequestEnvelope } from '../../src/webview/protocol';

const handler = createWidgetRequestHandler({ ngram: async () => undefined });

let state: unknown = JSON.parse(sessionStorage.getItem('panel') ?? 'null') ?? undefined;
const posted: unknown[] = [];
(window as unknown as { posted: unknown[] }).posted = posted;
(window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
  postMessage(message: unknown) {
    posted.push(message);
    if (isRequestEnvelope(message)) {
      void answerRequest(message, handler).then((response) => window.postMessage(response, '*'));
    } else if ((message as { type?: string }).type === 'ready') {
      window.postMessage({ type: 'init', init: JSON.parse(document.getElementById('app')?.dataset.initial ?? 'null') }, '*');
    }
  },
  getState: () => state,
  setState(value: unknown) {
    state = value;
    sessionStorage.setItem('panel', JSON.stringify(value));
  },
});
