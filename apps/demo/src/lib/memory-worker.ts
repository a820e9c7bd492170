// The memory panel's measurement, in a Web Worker: a large N × V allocates gigabytes and can trap the
// wasm heap; here that freezes nothing and breaks nothing on the page (the worker is replaced after a
// failure). Messages: in `{ n, v, d, backend }`; out `progress`, `done` or `error`.
import { activateBackend, type BackendName } from './backend.js';
import { compareMemory, type MemoryResult } from './memory.js';

export type WorkerRequest = { n: number; v: number; d: number; backend: BackendName };
export type WorkerReply =
  | { type: 'progress'; text: string }
  | { type: 'done'; backend: string; results: MemoryResult[] }
  | { type: 'error'; message: string };

const post = (reply: WorkerReply) => (self as unknown as Worker).postMessage(reply);

self.addEventListener('message', async (event: MessageEvent<WorkerRequest>) => {
  const { n, v, d, backend } = event.data;
  try {
    const active = await activateBackend(backend);
    post({ type: 'progress', text: `backend ${active} ready` });
    const results = await compareMemory(n, v, d, 1, (method) =>
      post({ type: 'progress', text: `measuring ${method} on ${active}…` }),
    );
    post({ type: 'done', backend: active, results });
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
