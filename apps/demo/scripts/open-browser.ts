// Opens the playground in the default browser where one can be opened: not in CI, not on a Linux box
// without a display, not when XENT_NO_OPEN=1 or --no-open is given.
import { spawn } from 'node:child_process';

/** The command that opens `url`, or why none is run. */
export function openCommand(
  url: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
  argv: readonly string[] = process.argv,
): { command: string; args: string[] } | { skip: string } {
  if (argv.includes('--no-open') || env.XENT_NO_OPEN === '1') return { skip: 'opening disabled' };
  if (env.CI && env.CI !== 'false' && env.CI !== '0') return { skip: 'CI' };
  if (platform === 'darwin') return { command: 'open', args: [url] };
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url] };
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return { skip: 'no display' };
  return { command: 'xdg-open', args: [url] };
}

/** Opens `url` (detached; a missing opener is reported, never fatal). Returns what was done. */
export function openBrowser(url: string): string {
  const plan = openCommand(url);
  if ('skip' in plan) return `not opening a browser (${plan.skip}); open the address yourself`;
  try {
    const child = spawn(plan.command, plan.args, { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
    return `opening it in your browser (${plan.command})`;
  } catch {
    return `could not run ${plan.command}; open the address yourself`;
  }
}
