import { ChatProvider, ChatResult, StreamEvent } from './types';

/** Reads a provider's event stream to the end, passing each event on, and gathers the result. */
export async function collectChat(
  provider: ChatProvider,
  events: AsyncIterable<StreamEvent>,
  onEvent?: (event: StreamEvent) => void,
  onListenerError?: (error: unknown) => void,
): Promise<ChatResult> {
  const result: ChatResult = { text: '', reasoning: '', logprobs: [], provider: provider.id, providerLabel: provider.label, totalMs: 0 };
  const text: string[] = [];
  const reasoning: string[] = [];
  for await (const event of events) {
    switch (event.type) {
      case 'text':
        text.push(event.text);
        break;
      case 'reasoning':
        reasoning.push(event.text);
        break;
      case 'logprobs':
        for (const token of event.tokens) result.logprobs.push(token);
        break;
      case 'usage':
        result.usage = { promptTokens: event.promptTokens, completionTokens: event.completionTokens, totalTokens: event.totalTokens };
        break;
      case 'done':
        result.finishReason = event.finishReason;
        result.model = event.model;
        result.ttftMs = event.ttftMs;
        result.totalMs = event.totalMs;
        result.tokensPerSecond = event.tokensPerSecond;
        break;
      case 'retry':
        break;
    }
    if (onEvent) {
      try {
        onEvent(event);
      } catch (error) {
        // A failing listener (e.g. a closed panel) must not break the run.
        onListenerError?.(error);
      }
    }
  }
  result.text = text.join('');
  result.reasoning = reasoning.join('');
  return result;
}
