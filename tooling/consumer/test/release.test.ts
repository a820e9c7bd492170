// The tarballs a release publishes: real versions, no workspace or catalog ranges, and the files a user
// expects (LICENSE, README, CHANGELOG from changesets, both builds and their types).
import { execFileSync } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';

const staged = inject('staged');

function tarball(name: string) {
  const path = staged.tarballs[name]!;
  const files = execFileSync('tar', ['-tzf', path], { encoding: 'utf8' }).trim().split('\n');
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', path, 'package/package.json'], { encoding: 'utf8' }),
  );
  return { files, manifest };
}

describe('release tarballs', () => {
  it('packs every publishable package', () => {
    expect(Object.keys(staged.tarballs).sort()).toEqual(
      expect.arrayContaining([
        '@xent/cce',
        '@xent/core',
        '@xent/distill',
        '@xent/losses',
        '@xent/metric',
        '@xent/retrieval',
        '@xent/testing',
      ]),
    );
  });
  for (const name of Object.keys(staged.tarballs).sort()) {
    it(`${name}: a released version, real dependency ranges, LICENSE, README, CHANGELOG, both builds`, () => {
      const { files, manifest } = tarball(name);
      expect(manifest.version).toBe(staged.versions[name]);
      expect(manifest.version).not.toBe('0.0.0');
      expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
      const ranges = JSON.stringify([
        manifest.dependencies,
        manifest.peerDependencies,
        manifest.optionalDependencies,
      ]);
      expect(ranges).not.toMatch(/workspace:|catalog:/);
      for (const dep of Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@xent/'))) {
        expect(manifest.dependencies[dep]).toBe(`^${staged.versions[dep]}`);
      }
      // Library packages ship both builds with types; create-xent-plugin ships its bin and template.
      const builds = manifest.bin
        ? []
        : ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts'];
      for (const file of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json', ...builds]) {
        expect(files).toContain(`package/${file}`);
      }
      expect(files.some((f) => f.endsWith('.test.ts'))).toBe(false);
      expect(manifest.license).toBe('MIT');
      expect(manifest.homepage).toMatch(/^https:\/\//);
      expect(manifest.bugs?.url).toMatch(/^https:\/\//);
      expect(manifest.repository?.directory).toBe(`packages/${name.replace('@xent/', '')}`);
      expect(manifest.publishConfig?.access).toBe('public');
    });
  }
});
