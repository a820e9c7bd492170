// `pnpm --filter @xent/demo start`: prepare data if missing, start the dev server, print the address.
import { dataReady } from './prepare-data.js';
import { startDemoServer } from './server.js';

if (!dataReady()) console.log('preparing MNIST subset and wasm files (first run only)…');
const { url, server } = await startDemoServer({ quiet: true });
console.log(`\n  xent playground: ${url}\n`);
console.log('  open the address in a browser; Ctrl+C stops the server.');
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
