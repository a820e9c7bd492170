// Starts the playground's Vite dev server (used by `pnpm start` and by the e2e tests).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import { dataReady, prepareData } from './prepare-data.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface DemoServer {
  readonly url: string;
  readonly server: ViteDevServer;
  close(): Promise<void>;
}

/** Prepares the data if missing, then serves the app on `host:port` (the next free port when taken). */
export async function startDemoServer(
  options: { port?: number; strictPort?: boolean; quiet?: boolean } = {},
): Promise<DemoServer> {
  if (!dataReady()) prepareData();
  const server = await createServer({
    root,
    configFile: join(root, 'vite.config.ts'),
    logLevel: options.quiet ? 'error' : 'info',
    server: { host: '127.0.0.1', port: options.port ?? 5173, strictPort: options.strictPort ?? false },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite did not report a local address');
  return { url, server, close: () => server.close() };
}
