// Makes the tarballs a release would publish: the workspace (without node_modules) is copied to a
// temporary folder, `changeset version` gives every package its release version and CHANGELOG.md, and
// `pnpm pack` rewrites the `workspace:`/`catalog:` ranges. Nothing in the repository is modified.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './paths.js';
import { run } from './run.js';

export interface Staged {
  /** Temporary folder holding everything the matrix makes. */
  readonly dir: string;
  /** Package name → tarball path. */
  readonly tarballs: Record<string, string>;
  /** Package name → version after `changeset version`. */
  readonly versions: Record<string, string>;
  /** npm cache shared by every consumer project of this run (starts empty: a fresh machine). */
  readonly npmCache: string;
}

/** Publishable packages (not private) under packages/. */
export function publishable(root = ROOT): { name: string; dir: string }[] {
  return readdirSync(join(root, 'packages'))
    .map((folder) => join(root, 'packages', folder))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => !manifest.private)
    .map(({ dir, manifest }) => ({ name: manifest.name as string, dir }));
}

export function stage(): Staged {
  const dir = mkdtempSync(join(tmpdir(), 'xent-consumer-'));
  const workspace = join(dir, 'workspace');
  mkdirSync(workspace);
  for (const { name, dir: pkg } of publishable()) {
    const built = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).scripts?.build !== undefined;
    if (built && !existsSync(join(pkg, 'dist', 'index.js'))) {
      throw new Error(`${name} is not built (${pkg}/dist): run \`pnpm exec turbo run build\` first`);
    }
  }
  const exclude = ['node_modules', '.turbo', 'test-results', '*.tsbuildinfo'].flatMap((p) => [
    '--exclude',
    p,
  ]);
  run(
    'bash',
    [
      '-c',
      // apps/* only by their manifests: changesets may name them (never released: they are private).
      `tar -C "${ROOT}" -cf - ${exclude.join(' ')} package.json pnpm-workspace.yaml .changeset packages tooling apps/*/package.json | tar -C "${workspace}" -xf -`,
    ],
    ROOT,
  );
  // changesets reads the repository's git state; the copy gets a one-commit history on main.
  run('git', ['init', '-q', '-b', 'main'], workspace);
  run('git', ['-c', 'user.name=xent', '-c', 'user.email=xent@localhost', 'add', '-A'], workspace);
  run(
    'git',
    ['-c', 'user.name=xent', '-c', 'user.email=xent@localhost', 'commit', '-qm', 'stage'],
    workspace,
  );
  run(process.execPath, [join(ROOT, 'node_modules/@changesets/cli/bin.js'), 'version'], workspace);
  linkWorkspaceDependencies(workspace);
  const tarballs: Record<string, string> = {};
  const versions: Record<string, string> = {};
  const out = join(dir, 'tarballs');
  mkdirSync(out);
  for (const { name, dir: pkg } of publishable(workspace)) {
    versions[name] = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version;
    const before = new Set(readdirSync(out));
    run('pnpm', ['pack', '--pack-destination', out], pkg);
    const made = readdirSync(out).find((f) => !before.has(f));
    if (!made) throw new Error(`pnpm pack made no tarball for ${name}`);
    tarballs[name] = join(out, made);
  }
  const npmCache = join(dir, 'npm-cache');
  mkdirSync(npmCache);
  return { dir, tarballs, versions, npmCache };
}

/**
 * `pnpm pack` reads the version behind each `workspace:` range from the installed dependency: link every
 * workspace dependency of every package to its folder, as `pnpm install` would, without installing.
 */
function linkWorkspaceDependencies(workspace: string): void {
  const folders = ['packages', 'tooling', 'apps']
    .filter((group) => existsSync(join(workspace, group)))
    .flatMap((group) => readdirSync(join(workspace, group)).map((f) => join(workspace, group, f)))
    .filter((dir) => existsSync(join(dir, 'package.json')));
  const byName = new Map(
    folders.map((dir) => [JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name, dir]),
  );
  for (const dir of folders) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const ranges = { ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies };
    for (const [dep, range] of Object.entries(ranges)) {
      const target = byName.get(dep);
      if (typeof range !== 'string' || !range.startsWith('workspace:') || !target) continue;
      const link = join(dir, 'node_modules', dep);
      if (existsSync(link)) continue;
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(target, link, 'dir');
    }
  }
}
