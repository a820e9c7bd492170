import { describe, expect, it } from 'vitest';
import { openCommand } from '../scripts/open-browser.js';

const url = 'http://127.0.0.1:5173/';

describe('openCommand', () => {
  it('uses xdg-open on Linux with a display, open on macOS, start on Windows', () => {
    expect(openCommand(url, { DISPLAY: ':0' }, 'linux', [])).toEqual({ command: 'xdg-open', args: [url] });
    expect(openCommand(url, { WAYLAND_DISPLAY: 'wayland-0' }, 'linux', [])).toEqual({
      command: 'xdg-open',
      args: [url],
    });
    expect(openCommand(url, {}, 'darwin', [])).toEqual({ command: 'open', args: [url] });
    expect(openCommand(url, {}, 'win32', [])).toEqual({ command: 'cmd', args: ['/c', 'start', '""', url] });
  });

  it('skips in CI, without a display, and when disabled', () => {
    expect(openCommand(url, { CI: 'true', DISPLAY: ':0' }, 'linux', [])).toEqual({ skip: 'CI' });
    expect(openCommand(url, {}, 'linux', [])).toEqual({ skip: 'no display' });
    expect(openCommand(url, { DISPLAY: ':0', XENT_NO_OPEN: '1' }, 'linux', [])).toEqual({
      skip: 'opening disabled',
    });
    expect(openCommand(url, { DISPLAY: ':0' }, 'linux', ['node', 'start', '--no-open'])).toEqual({
      skip: 'opening disabled',
    });
    expect(openCommand(url, { CI: 'false', DISPLAY: ':0' }, 'linux', [])).toEqual({
      command: 'xdg-open',
      args: [url],
    });
  });
});
