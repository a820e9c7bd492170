// Loads every workspace package's `./register` entry (their sources, found by file pattern), so a new loss
// package shows up in the playground without a change here. Failures are reported, not fatal.
const registerModules = import.meta.glob('../../../../packages/*/src/register.ts');

export interface PluginLoad {
  readonly packageName: string;
  readonly error?: string;
}

export async function loadPlugins(): Promise<PluginLoad[]> {
  const results: PluginLoad[] = [];
  for (const [path, load] of Object.entries(registerModules)) {
    const packageName = `@xent/${path.split('/').at(-3)}`;
    try {
      await load();
      results.push({ packageName });
    } catch (error) {
      results.push({ packageName, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return results;
}
