/**
 * Entry of the Training panel's inspection thread (bundled as dist/tinygptInspectWorker.js): samples,
 * attention, next-token probabilities and bits per byte run here, never on the extension host's thread.
 * Messages are handled one at a time, so a `load` (new weights) applies to every request after it.
 */
import { parentPort } from 'node:worker_threads';
import type { NgramModel } from '../lessons/ngramModel';
import type { TokenData } from './training';
import { compareBitsPerByte, Inspector, trainNgram, trainTexts } from './trainingInspect';
import type { InspectReply, InspectRequest } from './trainingInspectClient';

let inspector: Inspector | undefined;
let data: TokenData | undefined;
let ngram: NgramModel | undefined;

function handle(msg: InspectRequest): unknown {
  if (msg.type === 'load') {
    inspector = new Inspector(msg.model);
    return true;
  }
  if (msg.type === 'data') {
    data = msg.data;
    ngram = undefined;
    return true;
  }
  if (!inspector) throw new Error('no model loaded');
  switch (msg.type) {
    case 'generate':
      return inspector.generate(msg.prompt, msg.maxTokens, msg.temperature, msg.seed);
    case 'attention':
      return inspector.attention(msg.text);
    case 'nextToken':
      return inspector.nextToken(msg.text, msg.k);
    case 'bitsPerByte':
      if (!data) throw new Error('no corpus loaded');
      ngram ??= trainNgram(trainTexts(data, inspector.tokenizer));
      return compareBitsPerByte(inspector, data, ngram);
  }
}

parentPort?.on('message', (msg: InspectRequest) => {
  let reply: InspectReply;
  try {
    reply = { id: msg.id, result: handle(msg) };
  } catch (error) {
    reply = { id: msg.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
