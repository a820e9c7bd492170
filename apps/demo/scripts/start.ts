// `pnpm --filter @xent/demo start` (`npm run demo`): prepare data if missing, start the dev server, print
// the address and open it in a browser where one can be opened (not in CI or without a display; pass
// --no-open or XENT_NO_OPEN=1 to skip).
import { openBrowser } from './open-browser.js';
import { dataReady } from './prepare-data.js';
import { startDemoServer } from './server.js';

if (!dataReady()) console.log('preparing MNIST subset and wasm files (first run only)…');
const { url, server } = await startDemoServer({ quiet: true });
console.log(`\n  xent playground: ${url}\n`);
console.log(`  ${openBrowser(url)}; Ctrl+C stops the server.`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
