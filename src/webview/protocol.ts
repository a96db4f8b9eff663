/**
 * Request → response pairs between a webview and the extension, typed once per protocol as a map
 * `{ tokenize: [Request, Response], … }`: the caller names the request and the response type follows
 * (it is never chosen at the call site). Pure and type-light: both sides (extension and pages) import it,
 * and it imports nothing from any capability; a capability owns its map (e.g. src/lessons/widgetProtocol.ts).
 */

/** A protocol: request type → [the request's fields, what it resolves to]. */
export type RequestMap = { [type: string]: [object, unknown] };

/** The request of type K, as posted: `{ type: K, …fields }`. */
export type RequestOf<M extends RequestMap, K extends keyof M> = { type: K } & M[K][0];
/** What a request of type K resolves to. */
export type ResponseOf<M extends RequestMap, K extends keyof M> = M[K][1];
/** Any request of the protocol (a union over its types). */
export type AnyRequest<M extends RequestMap> = { [K in keyof M]: RequestOf<M, K> }[keyof M];

/** Page → extension. */
export interface RequestEnvelope<Payload = unknown> {
  type: 'request';
  requestId: number;
  payload: Payload;
}

/** Extension → page: the answer to the request with the same id. */
export interface ResponseEnvelope<Data = unknown> {
  type: 'response';
  requestId: number;
  ok: boolean;
  data?: Data;
  error?: string;
}

export function isRequestEnvelope(message: unknown): message is RequestEnvelope {
  const m = message as Partial<RequestEnvelope> | null;
  return typeof m === 'object' && m !== null && m.type === 'request' && typeof m.requestId === 'number' && Number.isFinite(m.requestId);
}

export function isResponseEnvelope(message: unknown): message is ResponseEnvelope {
  const m = message as Partial<ResponseEnvelope> | null;
  return typeof m === 'object' && m !== null && m.type === 'response' && typeof m.requestId === 'number' && typeof m.ok === 'boolean';
}

export interface Requester<M extends RequestMap> {
  request<K extends keyof M & string>(request: RequestOf<M, K>): Promise<ResponseOf<M, K>>;
  /** Feed every message from the extension; true when it was a response (then nothing else should handle it). */
  handleMessage(message: unknown): boolean;
}

/**
 * The page side: `request` posts an envelope and resolves with the matching response (rejects with the
 * extension's error text, or when no answer came within timeoutMs: a request is never left hanging).
 */
export function createRequester<M extends RequestMap>(post: (envelope: RequestEnvelope<AnyRequest<M>>) => void, timeoutMs = 30_000): Requester<M> {
  let next = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void; timer: ReturnType<typeof setTimeout> }>();
  return {
    request<K extends keyof M & string>(request: RequestOf<M, K>): Promise<ResponseOf<M, K>> {
      const requestId = next++;
      return new Promise<ResponseOf<M, K>>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(requestId);
          reject(new Error(`request "${request.type}" timed out`));
        }, timeoutMs);
        pending.set(requestId, { resolve, reject, timer });
        post({ type: 'request', requestId, payload: request });
      });
    },
    handleMessage(message: unknown): boolean {
      if (!isResponseEnvelope(message)) return false;
      const entry = pending.get(message.requestId);
      if (!entry) return true;
      pending.delete(message.requestId);
      clearTimeout(entry.timer);
      if (message.ok) entry.resolve(message.data);
      else entry.reject(new Error(message.error ?? 'error'));
      return true;
    },
  };
}

/**
 * The extension side: runs `handler` on the (untrusted, unvalidated) payload and wraps what it resolves to,
 * or the message it throws, in the response envelope. Never throws.
 */
export async function answerRequest<Data>(envelope: RequestEnvelope, handler: ((payload: unknown) => Promise<Data>) | undefined): Promise<ResponseEnvelope<Data>> {
  if (!handler) return { type: 'response', requestId: envelope.requestId, ok: false, error: 'no handler for this request' };
  try {
    return { type: 'response', requestId: envelope.requestId, ok: true, data: await handler(envelope.payload) };
  } catch (error) {
    return { type: 'response', requestId: envelope.requestId, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
