// Boot: error list first (so nothing fails silently), then backend, plugins, demo variants, example losses, the app.
import './style.css';
import type { BackendName } from './lib/backend.js';
import { mountErrors, showError } from './ui/errors.js';

const errors = document.getElementById('errors')!;
const root = document.getElementById('app')!;
mountErrors(errors);

async function boot(): Promise<void> {
  const status = document.getElementById('boot-status');
  const say = (text: string) => {
    if (status) status.textContent = text;
  };
  say('loading TensorFlow.js…');
  const { activateBackend, webGlKind, webGpuKind } = await import('./lib/backend.js');
  const gpu = { webgpu: await webGpuKind(), webgl: webGlKind() };
  const requested = new URLSearchParams(location.search).get('backend') as BackendName | null;
  const backend = await activateBackend(requested ?? undefined);
  say(`backend ${backend}; loading loss packages…`);
  const { loadPlugins } = await import('./lib/plugins.js');
  const plugins = await loadPlugins();
  for (const p of plugins) if (p.error) showError(p.error, `loading ${p.packageName}`);
  const { registerVariants } = await import('./lib/variants.js');
  registerVariants();
  const { registerExamplesForEmptyFamilies } = await import('./fixtures/example-losses.js');
  const examples = registerExamplesForEmptyFamilies().map((fn) => fn.spec.name);
  const { mountApp } = await import('./ui/app.js');
  mountApp(root, { backend, plugins, examples, gpu });
  document.body.dataset.ready = 'true';
}

boot().catch((error) => {
  showError(error, 'the playground could not start');
  root.querySelector('#boot-status')?.replaceChildren('Start-up failed; see the error above.');
});
