// The READMEs as written: every ```ts / ```js block of the published packages' READMEs (read from the
// installed tarballs, as npm shows them) and of the repository README is compiled by strict tsc against
// the installed packages and, unless marked `<!-- not-run: … -->`, executed in Node on cpu. Markers and
// the hidden `<!-- setup: … -->` code are described in ../src/readme-snippets.ts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT } from '../src/paths.js';
import { extractSnippets, type Snippet, snippetModule } from '../src/readme-snippets.js';
import { run } from '../src/run.js';
import { publishable } from '../src/stage.js';

const dir = inject('allPackages');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const work = join(dir, 'readme');

const readmes: { source: string; text: string }[] = [
  { source: 'repository', text: readFileSync(join(ROOT, 'README.md'), 'utf8') },
  ...publishable()
    .filter(({ name }) => name.startsWith('@xent/'))
    .map(({ name }) => ({
      source: name,
      text: readFileSync(join(dir, 'node_modules', name, 'README.md'), 'utf8'),
    })),
];
const snippets = readmes.flatMap(({ source, text }) => extractSnippets(text, source));
const tested = snippets.filter((s) => s.notTested === undefined);
const fileOf = (s: Snippet) => `${s.source.replace(/^@xent\//, '').replace(/\W+/g, '-')}-${s.line}`;

let typeErrors = '';
beforeAll(() => {
  mkdirSync(work, { recursive: true });
  for (const snippet of tested) writeFileSync(join(work, `${fileOf(snippet)}.mts`), snippetModule(snippet));
  const config = {
    compilerOptions: {
      strict: true,
      target: 'es2022',
      module: 'node16',
      moduleResolution: 'node16',
      types: [],
      skipLibCheck: true,
      outDir: 'out',
    },
    include: ['*.mts'],
  };
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(config, null, 2));
  try {
    run(process.execPath, [tsc, '-p', '.'], work);
  } catch (error) {
    typeErrors = (error as Error).message;
  }
});

describe('README block extraction', () => {
  it('reads the markers above a fence, hoists imports once, and skips other fenced blocks', () => {
    const markdown = [
      '```sh',
      '```ts not a block',
      '```',
      '<!-- not-run: needs a GPU -->',
      '<!-- setup: import * as tf from "@tensorflow/tfjs";',
      'const x = tf.ones([2]); -->',
      '```ts',
      'import * as tf from "@tensorflow/tfjs"; // the umbrella',
      'x.print();',
      '```',
      '',
      '<!-- not-tested: pseudo-code -->',
      '```js',
      'loss(…)',
      '```',
      '```ts skip',
      'also(…)',
      '```',
    ].join('\n');
    const [first, second, third, ...rest] = extractSnippets(markdown, 'demo');
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      line: 7,
      notRun: 'needs a GPU',
      code: expect.stringContaining('x.print()'),
    });
    expect(first!.notTested).toBeUndefined();
    expect(second).toMatchObject({ line: 13, notTested: 'pseudo-code', setup: '' });
    expect(third!.notTested).toBe('marked ```ts skip');
    const module = snippetModule(first!);
    expect(module.match(/import \* as tf/g)).toHaveLength(1);
    expect(module.indexOf('const x = tf.ones')).toBeLessThan(module.indexOf('x.print()'));
  });
});

describe('README code blocks, as written', () => {
  it('finds the blocks, and few are exempt', () => {
    expect(tested.length).toBeGreaterThanOrEqual(15);
    const exempt = snippets.filter((s) => s.notTested !== undefined || s.notRun !== undefined);
    expect(exempt.map((s) => `${s.source}:${s.line} ${s.notTested ?? s.notRun}`).length).toBeLessThanOrEqual(
      2,
    );
  });

  it('tsc reports no error outside the blocks (configuration, a missing package)', () => {
    const files = tested.map((s) => `${fileOf(s)}.mts(`);
    const stray = typeErrors
      .split('\n')
      .filter((line) => /error TS\d+/.test(line) && !files.some((f) => line.startsWith(f)));
    expect(stray).toEqual([]);
  });

  for (const snippet of tested) {
    const label = `${snippet.source} README line ${snippet.line}`;
    it(`${label}: type-checks (strict, node16)${snippet.notRun ? '' : ', runs on cpu'}`, () => {
      const mine = typeErrors
        .split('\n')
        .filter((line) => line.startsWith(`${fileOf(snippet)}.mts`))
        .join('\n');
      expect(mine, `tsc errors in ${join(work, `${fileOf(snippet)}.mts`)}`).toBe('');
      if (snippet.notRun) return;
      run(process.execPath, [join(work, 'out', `${fileOf(snippet)}.mjs`)], work, {
        TF_CPP_MIN_LOG_LEVEL: '3',
      });
    });
  }
});
