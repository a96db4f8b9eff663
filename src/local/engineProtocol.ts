/** Messages between the extension host (engineClient) and the engine process (engineMain), over IPC. */
import type { ChatMessage, TokenLogprob } from '../llm/types';

export interface EngineChatParams {
  messages: ChatMessage[];
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  logprobs?: boolean;
  topLogprobs?: number;
}

export interface EngineLoadParams {
  modelPath: string;
  contextSize: number;
  threads: number;
}

export type HostToEngine =
  | { type: 'chat'; id: number; load: EngineLoadParams; params: EngineChatParams }
  | { type: 'cancel'; id: number }
  | { type: 'unload'; id: number }
  | { type: 'stats'; id: number };

export type EngineErrorCode = 'engineMissing' | 'loadFailed' | 'outOfMemory' | 'contextOverflow' | 'failed';

export interface EngineModelInfo {
  path: string;
  name?: string;
  contextSize: number;
  trainContextSize: number;
  loadMs: number;
  chatWrapper: string;
}

export type EngineToHost =
  | { type: 'ready'; pid: number }
  | { type: 'loading'; id: number }
  | { type: 'loaded'; id: number; info: EngineModelInfo }
  | { type: 'text'; id: number; text: string }
  | { type: 'logprobs'; id: number; tokens: TokenLogprob[] }
  | { type: 'done'; id: number; finishReason: 'stop' | 'length' | 'cancelled'; promptTokens: number; completionTokens: number; ttftMs?: number; totalMs: number }
  | { type: 'error'; id: number; code: EngineErrorCode; message: string; promptTokens?: number; contextSize?: number }
  | { type: 'unloaded'; id: number }
  | { type: 'stats'; id: number; rss: number; heapUsed: number; model?: EngineModelInfo };
