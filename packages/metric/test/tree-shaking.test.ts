import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The published build puts the whole package into one chunk (tsup `splitting: true`), so a bundler drops
// an unused loss statement by statement: any module-level expression it cannot prove side-effect free
// keeps that statement, and everything it references, in every app that imports anything from
// @xent/metric (one loss cost 25 KiB that way). Bundlers treat these as possible side effects:
// object/array spread (a getter or iterator could run), object-rest destructuring, and calls or `new`
// without a `/* @__PURE__ */` annotation, and (esbuild 0.27) `1 << 21` and `2 ** 24` — a 2 KB option schema
// with `max: 2 ** 31 - 1` stayed in every bundle that way. This test finds them in every module except
// `register.ts`.

const SRC = join(import.meta.dirname, '../src');

function modules(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return modules(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('register.ts') ? [path] : [];
  });
}

/** Module-level expressions a bundler must keep, as `file: source text`. */
function sideEffects(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const report = (node: ts.Node) =>
    found.push(`${relative(SRC, path)}: ${node.getText(file).slice(0, 60).replace(/\s+/g, ' ')}`);
  // The annotation sits in the trivia between the node's full start and its first token.
  const isPure = (node: ts.Node) => /[@#]__PURE__/.test(text.slice(node.pos, node.getStart(file)));
  const visit = (node: ts.Node): void => {
    // Function bodies run later, not at import.
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isSpreadAssignment(node) || ts.isSpreadElement(node)) report(node);
    if (ts.isBindingElement(node) && node.dotDotDotToken) report(node.parent);
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && !isPure(node)) report(node);
    if (
      ts.isBinaryExpression(node) &&
      (node.operatorToken.kind === ts.SyntaxKind.LessThanLessThanToken ||
        node.operatorToken.kind === ts.SyntaxKind.AsteriskAsteriskToken)
    )
      report(node);
    ts.forEachChild(node, visit);
  };
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) continue;
    if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) continue;
    visit(statement);
  }
  return found;
}

describe('tree-shaking: no module-level side effects', () => {
  it('every module is free of module-level spreads, rest destructuring, unannotated calls, << and **', () => {
    const files = modules(SRC);
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap(sideEffects)).toEqual([]);
  });

  it('the check sees what it must (spread, rest, unannotated call) and accepts annotated calls', () => {
    const probe = join(import.meta.dirname, 'fixtures/tree-shaking-probe.ts.txt');
    const found = sideEffects(probe);
    expect(found.map((f) => f.split(': ')[1])).toEqual([
      '...a',
      '...a',
      '{ x, ...rest }',
      'make()',
      '1 << 21',
      '2 ** 31',
    ]);
  });
});
