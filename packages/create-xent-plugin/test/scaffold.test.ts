import { LOSS_ID } from '@xent/testing';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript, no declarations
import { pluginNames, standaloneFiles, standalonePackageJson, TOOL_VERSIONS } from '../bin/scaffold.mjs';

const versions = { core: '^1.2.0', testing: '^1.2.0' };

describe('pluginNames', () => {
  it('names the loss sensibly, unscoped and scoped', () => {
    expect(pluginNames('my-loss')).toMatchObject({
      packageName: 'my-loss',
      directory: 'my-loss',
      lossName: 'myLoss',
      optionsName: 'MyLossOptions',
      fileName: 'my-loss',
      id: 'my-loss/my-loss',
    });
    expect(pluginNames('@acme/taylor-ce')).toMatchObject({
      directory: 'taylor-ce',
      lossName: 'taylorCeLoss',
      id: '@acme/taylor-ce/taylor-ce-loss',
    });
    expect(pluginNames('xent-brier-score').lossName).toBe('brierScoreLoss');
    expect(pluginNames('losses', { loss: 'taylorCrossEntropy', id: 'losses/taylor' })).toMatchObject({
      lossName: 'taylorCrossEntropy',
      fileName: 'taylor-cross-entropy',
      id: 'losses/taylor',
    });
    expect(pluginNames('2d-loss').lossName).toMatch(/^[a-z][A-Za-z0-9]*$/);
  });
  it('gives ids the id rule accepts, and rejects bad names', () => {
    for (const name of ['my-loss', '@acme/my-loss', 'a.b_c', '@a-b/c'])
      expect(pluginNames(name).id).toMatch(LOSS_ID);
    for (const name of ['My-Loss', '@acme', 'a/b', '', '-x'])
      expect(() => pluginNames(name)).toThrow(/package name/);
    expect(() => pluginNames('x', { loss: 'Bad-Name' })).toThrow(/camelCase/);
    expect(() => pluginNames('x', { id: 'no-slash' })).toThrow(/id must be/);
  });
});

describe('standalone files', () => {
  const files = standaloneFiles(pluginNames('@acme/my-loss'), versions) as Record<string, string>;
  it('fill every placeholder and hold no workspace or catalog range', () => {
    for (const [path, text] of Object.entries(files)) {
      expect(text, path).not.toMatch(/__(PACKAGE|LOSS|OPTIONS|FILE|ID|TITLE|NAME)__/);
      expect(text, path).not.toMatch(/workspace:|catalog:|@xent\/(tsconfig|tsup-config|vitest-config)/);
    }
    expect(Object.keys(files).sort()).toEqual(
      [
        '.gitignore',
        'README.md',
        'package.json',
        'src/index.ts',
        'src/my-loss.ts',
        'src/register.ts',
        'test/my-loss.test.ts',
        'test/setup.ts',
        'tsconfig.json',
        'tsup.config.ts',
        'vitest.config.ts',
      ].sort(),
    );
  });
  it('pin tool versions that work together (TypeScript 5.9: 6/7 break tsup dts)', () => {
    const pkg = standalonePackageJson(pluginNames('my-loss'), versions);
    expect(pkg.devDependencies.typescript).toBe('5.9.3');
    expect(TOOL_VERSIONS.typescript).toBe('5.9.3');
    expect(pkg.devDependencies['@tensorflow/tfjs-backend-wasm']).toBe('4.22.0');
    expect(pkg.dependencies['@xent/core']).toBe('^1.2.0');
    expect(pkg.devDependencies['@xent/testing']).toBe('^1.2.0');
    expect(pkg.scripts['check-exports']).toBe('publint --strict && attw --pack . --profile node16');
    expect(pkg.sideEffects).toEqual(['./dist/register.js', './dist/register.cjs']);
    expect(Object.keys(pkg.exports)).toEqual(['.', './register', './package.json']);
    expect(pkg.publishConfig).toBeUndefined();
    expect(standalonePackageJson(pluginNames('@acme/x'), versions).publishConfig).toEqual({
      access: 'public',
    });
  });
  it('define the sample loss without type arguments, named after the package', () => {
    expect(files['src/my-loss.ts']).toContain('export const myLoss = /* @__PURE__ */ defineLoss({');
    expect(files['src/my-loss.ts']).toContain("id: '@acme/my-loss/my-loss'");
    expect(files['src/index.ts']).toBe("export { myLoss, type MyLossOptions } from './my-loss.js';\n");
    expect(files['test/my-loss.test.ts']).toContain("backends: ['cpu', 'wasm']");
  });
});
