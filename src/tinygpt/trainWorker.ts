/**
 * Entry of one training worker thread (bundled by scripts/build.mjs as dist/tinygptWorker.js). Weights,
 * AdamW moments, every worker's gradients and the token streams are SharedArrayBuffers; the host only
 * sends small messages:
 *   grad   — forward + backward over my rows of the batch, into my gradient buffer
 *   reduce — for my shard of the parameters: sum all workers' gradients into worker 0's buffer, Σg²
 *   update — AdamW on my shard with the host's learning rate and clip factor
 *   eval   — loss over some validation windows
 * Summation order is fixed (worker 0 + 1 + …), so a run is deterministic however the threads are timed.
 */
import { parentPort } from 'node:worker_threads';
import { Gpt, weightDecayMask } from './model';
import { adamwStep, sumOfSquares } from './optimizer';
import { fillRows } from './training';
import type { WorkerInit, WorkerReply, WorkerRequest, WorkerResult } from './workerProtocol';

let init: WorkerInit | undefined;
let params: Float32Array;
let grads: Float32Array[] = [];
let m: Float32Array;
let v: Float32Array;
let trainTokens: Uint16Array;
let valTokens: Uint16Array;
let model: Gpt;
let evalModel: Gpt;
let decay: Uint8Array;

function handle(msg: WorkerRequest): WorkerResult {
  switch (msg.type) {
    case 'init': {
      init = msg;
      params = new Float32Array(msg.params);
      grads = msg.grads.map((g) => new Float32Array(g));
      m = new Float32Array(msg.m);
      v = new Float32Array(msg.v);
      trainTokens = new Uint16Array(msg.train);
      valTokens = new Uint16Array(msg.val);
      model = new Gpt(msg.config, { params, grads: grads[msg.index] });
      evalModel = new Gpt(msg.config, { params, grads: new Float32Array(params.length) });
      decay = weightDecayMask(msg.config);
      return { lossSum: 0, count: 0 };
    }
    case 'grad': {
      const T = init!.config.context;
      model.zeroGrad();
      const rows = msg.offsets.length;
      if (rows === 0) return { lossSum: 0, count: 0 };
      const x = new Int32Array(rows * T);
      const y = new Int32Array(rows * T);
      fillRows(trainTokens, msg.offsets, T, x, y);
      const r = model.forward(x, rows, T, y, undefined, msg.dropout);
      model.backward(msg.count);
      return { lossSum: r.lossSum, count: r.count };
    }
    case 'reduce': {
      const [lo, hi] = msg.shard;
      const sum = grads[0];
      for (let w = 1; w < grads.length; w++) {
        const g = grads[w];
        for (let i = lo; i < hi; i++) sum[i] += g[i];
      }
      return { sumSq: sumOfSquares(sum, lo, hi) };
    }
    case 'update': {
      const [lo, hi] = msg.shard;
      adamwStep(params, grads[0], { m, v }, decay, msg.t, msg.lr, msg.scale, msg.train, lo, hi);
      return { lossSum: 0, count: 0 };
    }
    case 'eval': {
      const T = init!.config.context;
      let lossSum = 0;
      let count = 0;
      const x = new Int32Array(T);
      const y = new Int32Array(T);
      for (const o of msg.offsets) {
        fillRows(valTokens, [o], T, x, y);
        const r = evalModel.forward(x, 1, T, y);
        lossSum += r.lossSum;
        count += r.count;
      }
      return { lossSum, count };
    }
  }
}

parentPort?.on('message', (msg: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = { id: msg.id, result: handle(msg) };
  } catch (error) {
    reply = { id: msg.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
