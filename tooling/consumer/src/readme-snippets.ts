// The code blocks of a README, as the README test compiles and runs them. A block may be preceded
// (on the lines right above its fence) by HTML comments, which a rendered README does not show:
//
//   <!-- setup: const xs = tf.randomNormal([8, 4]); -->   code that gives the block its inputs
//                                                          (imports in it are hoisted; may span lines)
//   <!-- not-run: reason -->                              type-checked, not executed
//   <!-- not-tested: reason -->                           neither (a block that is not meant to compile)
//
// Every other ```ts / ```js block is type-checked (strict) and executed in Node on cpu.

/** One ```ts or ```js block of a README. */
export interface Snippet {
  /** The README's label (e.g. `@xent/losses`) and the 1-based line of the opening fence. */
  readonly source: string;
  readonly line: number;
  readonly code: string;
  /** Hidden code that runs before the block (from `<!-- setup: … -->`). */
  readonly setup: string;
  /** Why the block is only type-checked. */
  readonly notRun?: string;
  /** Why the block is neither compiled nor run. */
  readonly notTested?: string;
}

const FENCE = /^```(ts|typescript|js|javascript)\b(.*)$/;

/** The ts/js blocks of `markdown` with their markers. */
export function extractSnippets(markdown: string, source: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) {
      // Skip other fenced blocks whole (a ```sh block may hold a line starting with ```ts).
      if (lines[i]!.startsWith('```')) while (i + 1 < lines.length && lines[++i] !== '```');
      continue;
    }
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && lines[i] !== '```') body.push(lines[i]!);
    const markers = commentsAbove(lines, start);
    const marker = (name: string) =>
      markers
        .find((m) => m.startsWith(`${name}:`))
        ?.slice(name.length + 1)
        .trim();
    const skip = open[2]!.trim() === 'skip' ? 'marked ```ts skip' : undefined;
    const notRun = marker('not-run');
    const notTested = marker('not-tested') ?? skip;
    snippets.push({
      source,
      line: start + 1,
      code: body.join('\n'),
      setup: markers
        .filter((m) => m.startsWith('setup:'))
        .map((m) => m.slice('setup:'.length).trim())
        .join('\n'),
      ...(notRun === undefined ? {} : { notRun }),
      ...(notTested === undefined ? {} : { notTested }),
    });
  }
  return snippets;
}

/** The contents of the HTML comments that end on the lines right above line `fence`, top first. */
function commentsAbove(lines: readonly string[], fence: number): string[] {
  const found: string[] = [];
  let end = fence - 1;
  while (end >= 0 && lines[end]!.trimEnd().endsWith('-->')) {
    let start = end;
    while (start > 0 && !lines[start]!.includes('<!--')) start--;
    const text = lines.slice(start, end + 1).join('\n');
    const open = text.lastIndexOf('<!--');
    if (open < 0) break;
    found.unshift(text.slice(open + 4, text.lastIndexOf('-->')).trim());
    end = start - 1;
  }
  return found;
}

const IMPORT = /^import\b[\s\S]*?(?:from\s*)?['"][^'"]+['"];?[ \t]*(?:\/\/.*)?$/gm;

/**
 * The module the test compiles: every import of the setup and of the block first (each once), then
 * the setup's code, then the block's.
 */
export function snippetModule(snippet: Snippet): string {
  const imports: string[] = [];
  const strip = (code: string) =>
    code.replace(IMPORT, (line) => {
      // Compared without a trailing comment: the setup and the block may import the same thing.
      const statement = line.replace(/;?[ \t]*\/\/.*$/, ';').replace(/;?$/, ';');
      if (!imports.includes(statement)) imports.push(statement);
      return '';
    });
  const setup = strip(snippet.setup);
  const code = strip(snippet.code);
  return [
    `// ${snippet.source} README, the block at line ${snippet.line}`,
    ...imports,
    '// setup (hidden in the README)',
    setup.trim(),
    '// the block as written',
    code,
    'export {};',
    '',
  ].join('\n');
}
