import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './run.js';
import type { Staged } from './stage.js';

/** The tfjs release the packages are built and tested against. */
export const TFJS = '4.22.0';

/**
 * An empty npm project under the staging folder with `packages` (from their tarballs, with @xent/core's)
 * and `extra` registry packages installed by npm, and the fixture files copied in. The npm cache is the
 * run's own (empty at the start): the first project fetches everything from the registry, later ones take
 * the same versions from it without asking the registry again (`--prefer-offline`, ~2× faster each).
 */
export function consumerProject(
  staged: Staged,
  label: string,
  packages: readonly string[],
  extra: readonly string[],
  fixtures: readonly string[],
): string {
  const dir = join(staged.dir, `app-${label}`);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `consumer-${label}`, private: true, type: 'module' }, null, 2)}\n`,
  );
  const local = [...new Set(['@xent/core', ...packages])].map((name) => {
    const tarball = staged.tarballs[name];
    if (!tarball) throw new Error(`no tarball for ${name}`);
    return tarball;
  });
  run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      '--no-package-lock',
      ...local,
      ...extra,
    ],
    dir,
    { npm_config_cache: staged.npmCache, npm_config_update_notifier: 'false' },
  );
  for (const folder of fixtures) cpSync(folder, dir, { recursive: true });
  return dir;
}
