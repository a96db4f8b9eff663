// Dev-only stand-in for VS Code around the tokenizer panel's real webview bundle: acquireVsCodeApi, and the
// extension side answering widget requests with the real handler.
import { handleWidgetEnvelope } from '../../src/lessons/widgetRequestHandler';
import { isWidgetRequestEnvelope } from '../../src/webview/widgetMessages';

let state: unknown = JSON.parse(sessionStorage.getItem('panel') ?? 'null') ?? undefined;
const posted: unknown[] = [];
(window as unknown as { posted: unknown[] }).posted = posted;
(window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
  postMessage(message: unknown) {
    posted.push(message);
    if (isWidgetRequestEnvelope(message)) {
      void handleWidgetEnvelope(message, { ngram: async () => undefined }).then((response) => window.postMessage(response, '*'));
    }
  },
  getState: () => state,
  setState(value: unknown) {
    state = value;
    sessionStorage.setItem('panel', JSON.stringify(value));
  },
});
