// The playground in Debian's chromium (playwright-core, SwiftShader WebGPU): page load, a two-loss MNIST
// comparison, the memory panel, metric learning's embedding plot and an option error. Screenshots go to
// apps/demo/test-results/.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, missingBrowser } from '@xent/consumer/chromium';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoServer, startDemoServer } from '../scripts/server.js';
import { PRESETS } from '../src/lib/presets.js';

const shots = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results');
const skip = process.env.XENT_SKIP_BROWSER === '1';

/** One CSV record (quoted fields may hold commas and doubled quotes). */
function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else {
      cell += c;
    }
  }
  cells.push(cell);
  return cells;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

describe.skipIf(skip)('playground in chromium', () => {
  let server: DemoServer | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const missing = missingBrowser();
    if (missing) throw new Error(missing);
    mkdirSync(shots, { recursive: true });
    server = await startDemoServer({ port: await freePort(), strictPort: true, quiet: true });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Opens the page; `autostart=0` unless the query says otherwise, so tests press Train themselves. */
  const open = async (query = '') => {
    const params = new URLSearchParams(query);
    if (!params.has('autostart')) params.set('autostart', '0');
    await page.goto(`${server!.url}?${params}`);
    await page.waitForSelector('body[data-ready]', { timeout: 90_000 });
  };

  const waitDone = async (timeout = 90_000) => {
    await page.waitForSelector('[data-testid=run]', { timeout });
    await page.waitForFunction(
      () => {
        const runs = [...document.querySelectorAll<HTMLElement>('[data-testid=run]')];
        return (
          runs.length > 0 && runs.every((r) => ['done', 'stopped', 'error'].includes(r.dataset.status ?? ''))
        );
      },
      null,
      { timeout, polling: 250 },
    );
  };

  const trainAndWait = async (timeout = 90_000) => {
    await page.click('[data-testid=train]');
    await waitDone(timeout);
  };

  it('loads with the active backend shown, losses from the registry, and starts training MNIST', async () => {
    await open('?autostart=1');
    const active = await page.locator('[data-testid=active-backend]').textContent();
    expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(active);
    expect(
      await page.locator('[data-testid=loss-list] input[type=checkbox][data-loss]').count(),
    ).toBeGreaterThanOrEqual(2);
    // The preselected comparison starts by itself: two runs, both taking steps.
    await page.waitForFunction(
      () => {
        const runs = [...document.querySelectorAll<HTMLElement>('[data-testid=run]')];
        return runs.length >= 2 && runs.every((r) => Number(r.dataset.step) >= 3);
      },
      null,
      { timeout: 90_000 },
    );
    await page.screenshot({ path: join(shots, '01-loaded.png'), fullPage: true });
    await page.click('[data-testid=stop-all]');
    expect(pageErrors).toEqual([]);
  });

  it('trains two classification losses on MNIST side by side and draws both curves', async () => {
    await open('?backend=wasm&steps=30&evalEvery=10');
    expect(await page.locator('[data-testid=active-backend]').textContent()).toBe('wasm');
    expect(
      await page.locator('[data-testid=loss-list] input[data-loss]:checked').count(),
    ).toBeGreaterThanOrEqual(2);
    await trainAndWait();
    const statuses = await page
      .locator('[data-testid=run]')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.status));
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(statuses.every((s) => s === 'done')).toBe(true);
    const lossPoints = (await page.locator('[data-chart=loss]').getAttribute('data-points'))!
      .split(',')
      .map(Number);
    expect(lossPoints.length).toBe(statuses.length);
    for (const points of lossPoints) expect(points).toBe(30);
    expect(Number(await page.locator('[data-chart=accuracy]').getAttribute('data-series'))).toBe(
      statuses.length,
    );
    // uPlot draws on canvas with a legend entry per run; the x-axis is labelled.
    expect(await page.locator('[data-chart=loss] canvas').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('[data-chart=loss] .u-legend .u-series').count()).toBe(statuses.length + 1);
    expect(await page.locator('[data-chart=accuracy]').getAttribute('data-y-label')).toBe(
      'test accuracy (%)',
    );
    expect(await page.locator('[data-testid=results-table] tbody tr').count()).toBe(statuses.length);
    // Hover read-out: the legend shows each run's loss at the step under the cursor.
    const over = page.locator('[data-chart=loss] .u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    const readout = await page.locator('[data-chart=loss] .u-legend .u-series .u-value').allTextContents();
    expect(readout[0]).toMatch(/^\d+$/);
    expect(readout[1]).toMatch(/^\d+\.\d{4}$/);
    // Legend toggle hides a run; log scale switches the y distribution.
    await page.locator('[data-chart=loss] .u-legend .u-series').nth(1).click();
    expect(
      await page.locator('[data-chart=loss] .u-legend .u-series').nth(1).getAttribute('class'),
    ).toContain('u-off');
    await page.check('[data-testid=chart-log]');
    await page.waitForSelector('[data-chart=loss][data-log=true]');
    expect(new URL(page.url()).searchParams.get('log')).toBe('1');
    expect(await page.locator('svg[data-chart=reliability]').count()).toBe(statuses.length);
    await page.screenshot({ path: join(shots, '02-classification-mnist.png'), fullPage: true });
  });

  it('every run has a progress bar and a stop button that stops only that run', async () => {
    await open('?backend=wasm&steps=5000&evalEvery=1000');
    await page.click('[data-testid=train]');
    await page.waitForFunction(
      () => Number(document.querySelector<HTMLElement>('[data-testid=run]')?.dataset.step) >= 3,
      null,
      { timeout: 30_000 },
    );
    const runs = page.locator('[data-testid=run]');
    expect(await runs.count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('[data-testid=run] progress').count()).toBe(await runs.count());
    await runs.first().locator('[data-testid=stop]').click();
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>('[data-testid=run]')?.dataset.status === 'stopped',
    );
    const stoppedAt = Number(await runs.first().getAttribute('data-step'));
    const otherBefore = Number(await runs.nth(1).getAttribute('data-step'));
    await page.waitForFunction(
      (before) =>
        Number(document.querySelectorAll<HTMLElement>('[data-testid=run]')[1]?.dataset.step) >= before + 5,
      otherBefore,
      { timeout: 30_000 },
    );
    expect(Number(await runs.first().getAttribute('data-step'))).toBe(stoppedAt);
    await page.screenshot({ path: join(shots, '10-stop.png'), fullPage: true });
    await page.click('[data-testid=stop-all]');
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLElement>('[data-testid=run]')].every(
        (r) => r.dataset.status === 'stopped',
      ),
    );
  });

  it('switches backends from the selector and shows the active one', async () => {
    await open('?backend=wasm');
    await page.selectOption('[data-testid=backend-select]', 'cpu');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=active-backend]')?.textContent === 'cpu',
    );
    await page.selectOption('[data-testid=backend-select]', 'webgpu');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid=active-backend]')?.textContent === 'webgpu' ||
        document.querySelector('[data-testid=error]') !== null,
      null,
      { timeout: 30_000 },
    );
    const active = await page.locator('[data-testid=active-backend]').textContent();
    if (active !== 'webgpu') {
      // No adapter on this machine: the page must say so instead of failing silently.
      expect(await page.locator('[data-testid=error]').first().textContent()).toContain(
        'webgpu is not available',
      );
    }
    await page.locator('header').screenshot({ path: join(shots, '06-backend.png') });
  });

  it('memory panel: refuses a size over the backend limit, then measures in a worker; training still works', async () => {
    await open('?backend=wasm&steps=4&evalEvery=2');
    await page.fill('[data-memory=N]', '4096');
    await page.fill('[data-memory=V]', '50000');
    expect(await page.locator('[data-testid=memory-estimate]').textContent()).toContain('too large');
    await page.click('[data-testid=memory-run]');
    expect(await page.locator('[data-testid=error]').first().textContent()).toContain('over the');
    // A measurement that fails (here: cancelled while running) drops its worker; the next gets a fresh one.
    await page.fill('[data-memory=N]', '512');
    await page.fill('[data-memory=V]', '32768');
    await page.click('[data-testid=memory-run]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=memory-status]')?.textContent?.includes('measuring'),
      null,
      { timeout: 60_000 },
    );
    await page.click('[data-testid=memory-cancel]');
    await page.waitForSelector('[data-testid=memory-failed]');
    await page.locator('[data-testid=error]', { hasText: 'cancelled' }).waitFor({ timeout: 5_000 });
    await page.fill('[data-memory=N]', '256');
    await page.fill('[data-memory=V]', '8192');
    await page.fill('[data-memory=D]', '64');
    await page.click('[data-testid=memory-run]');
    await page.waitForSelector('[data-testid=memory-results] tr[data-method]', { timeout: 90_000 });
    const rows = await page.locator('[data-testid=memory-results] tr[data-method]').evaluateAll((els) =>
      els.map((e) => ({
        method: e.getAttribute('data-method'),
        peak: Number(e.getAttribute('data-peak-bytes')),
      })),
    );
    await page.locator('#memory').screenshot({ path: join(shots, '03-memory-panel.png') });
    const dense = rows.find((r) => r.method === 'dense cross-entropy');
    const fused = rows.find((r) => r.method === 'linearCrossEntropy');
    expect(dense?.peak).toBeGreaterThan(256 * 8192 * 4);
    expect(
      fused,
      'linearCrossEntropy not found: is @xent/cce (packages/cce) in the workspace?',
    ).toBeDefined();
    expect(fused!.peak).toBeLessThan(dense!.peak);
    expect(await page.locator('[data-testid=memory-results]').textContent()).toContain('(worker)');
    await page.fill('[data-memory=N]', '64');
    await page.fill('[data-memory=V]', '4096');
    await page.fill('[data-memory=D]', '16');
    await page.click('[data-testid=memory-sweep]');
    await page.waitForSelector('#memory .charts[data-done="5"]', { timeout: 90_000 });
    const sweepPoints = await page.locator('[data-chart=memory-peak]').getAttribute('data-points');
    expect(sweepPoints).toBe('5,5');
    await page.locator('#memory').screenshot({ path: join(shots, '03-memory-sweep.png') });
    await trainAndWait();
    const statuses = await page
      .locator('[data-testid=run]')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.status));
    expect(statuses.every((st) => st === 'done')).toBe(true);
  });

  it('metric learning shows the 2-D embedding plot', async () => {
    await open('?backend=wasm&family=metric&steps=20&evalEvery=10');
    await trainAndWait();
    const plots = page.locator('canvas[data-testid=embedding-plot]');
    expect(await plots.count()).toBeGreaterThanOrEqual(1);
    const coloured = await plots.first().evaluate((canvas) => {
      const c = canvas as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4)
        if (data[i] !== 255 || data[i + 1] !== 255 || data[i + 2] !== 255) n++;
      return n;
    });
    expect(coloured).toBeGreaterThan(500);
    await page.screenshot({ path: join(shots, '04-metric-embeddings.png'), fullPage: true });
  });

  it('distillation trains a teacher first and plots student vs teacher accuracy', async () => {
    await open('?backend=wasm&family=distillation&steps=20&evalEvery=10');
    await trainAndWait();
    const students = await page.locator('[data-testid=run]').count();
    expect(Number(await page.locator('[data-chart=student-teacher]').getAttribute('data-series'))).toBe(
      students + 1,
    );
    expect(await page.locator('[data-chart=student-teacher] .u-legend').textContent()).toContain('teacher');
    await page.screenshot({ path: join(shots, '07-distillation.png'), fullPage: true });
  });

  it('retrieval draws ROC curves with their AUC', async () => {
    await open('?backend=wasm&family=retrieval&steps=20&evalEvery=10');
    await trainAndWait();
    const runs = await page.locator('[data-testid=run]').count();
    expect(await page.locator('svg[data-chart=roc] path[data-series]').count()).toBe(runs);
    expect(await page.locator('[data-testid=auc]').textContent()).toMatch(/AUC 0\.\d{3}/);
    await page.screenshot({ path: join(shots, '08-retrieval.png'), fullPage: true });
  });

  it('the 2-D set shows decision regions', async () => {
    await open('?backend=wasm&dataset=spirals&steps=60&evalEvery=20');
    await trainAndWait();
    expect(await page.locator('canvas[data-testid=boundary-plot]').count()).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(shots, '09-spirals.png'), fullPage: true });
  });

  it('an option out of range shows the loss error on screen', async () => {
    await open('?backend=wasm&steps=5');
    const field = page
      .locator('[data-testid=loss-list] .loss:has(input[data-loss]:checked) input[type=number][data-min]')
      .first();
    const name = await field.getAttribute('data-option');
    const min = Number(await field.getAttribute('data-min'));
    await field.fill(String(min - 1));
    await trainAndWait();
    const error = page.locator('[data-testid=error]').first();
    await error.waitFor({ timeout: 10_000 });
    const text = await error.textContent();
    expect(text).toContain(`(options.${name}): expected`);
    expect(text).toContain(`received ${min - 1}`);
    expect(await page.locator('[data-testid=run-error]').count()).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: join(shots, '05-option-error.png'), fullPage: true });
  });

  const tableRows = () =>
    page.locator('[data-testid=results-table] tbody tr').evaluateAll((els) =>
      els.map((e) => ({
        loss: e.getAttribute('data-loss')!,
        final: Number(e.getAttribute('data-final')),
        status: e.getAttribute('data-status'),
      })),
    );

  it('the 40 % label-noise preset: GCE and NCE+RCE beat cross-entropy; exports parse', async () => {
    await open('?backend=wasm');
    await page.click('[data-preset=noise40]');
    await waitDone(120_000);
    expect(await page.locator('[data-testid=preset-note]').textContent()).toContain('40 %');
    const rows = await tableRows();
    expect(rows.map((r) => r.loss).sort()).toEqual(['activePassiveLoss', 'crossEntropyLoss', 'gceLoss']);
    const final = Object.fromEntries(rows.map((r) => [r.loss, r.final]));
    expect(final.gceLoss!).toBeGreaterThan(final.crossEntropyLoss! + 0.05);
    expect(final.activePassiveLoss!).toBeGreaterThan(final.crossEntropyLoss! + 0.05);
    expect(new URL(page.url()).searchParams.get('preset')).toBe('noise40');
    expect(await page.locator('[data-testid=settings-line]').textContent()).toContain(
      '40 % symmetric label noise',
    );
    await page.screenshot({ path: join(shots, '11-preset-noise40.png'), fullPage: true });

    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=export-csv]'),
    ]);
    const [header, ...records] = readFileSync((await csvDownload.path())!, 'utf8')
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .map(parseCsvLine);
    expect(records).toHaveLength(3);
    const column = (name: string) => header!.indexOf(name);
    expect(records.map((r) => r[column('loss')]).sort()).toEqual(rows.map((r) => r.loss).sort());
    const gceRecord = records.find((r) => r[column('loss')] === 'gceLoss')!;
    expect(Number(gceRecord[column('finalMetric')])).toBeCloseTo(final.gceLoss!, 6);
    const [jsonDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=export-json]'),
    ]);
    const json = JSON.parse(readFileSync((await jsonDownload.path())!, 'utf8'));
    expect(json.results).toHaveLength(3);
    expect(json.settings.scenario).toContain('40 %');
    expect(json.curves[0].losses).toHaveLength(120);
    expect(new URL(json.url).searchParams.get('noise')).toBe('0.4');

    const [pngDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=export-png]'),
    ]);
    const png = readFileSync((await pngDownload.path())!);
    writeFileSync(join(shots, '15-charts-export.png'), png);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThan(600); // IHDR width: three charts side by side

    // Changing a setting labels the results stale; switching the task clears them.
    await page.fill('#lr', '0.02');
    expect(await page.locator('[data-testid=stale]').isVisible()).toBe(true);
    await page.selectOption('[data-testid=family-select]', 'metric');
    await page.waitForSelector('[data-testid=results-empty]');
    expect(await page.locator('[data-testid=results-table]').count()).toBe(0);
  });

  it('every other recommended comparison trains (shortened) and fills its table', async () => {
    for (const preset of PRESETS.filter((p) => p.id !== 'noise40')) {
      await open(`?backend=wasm&preset=${preset.id}&steps=4&evalEvery=4`);
      expect(await page.locator('[data-preset].selected').getAttribute('data-preset')).toBe(preset.id);
      await trainAndWait();
      const rows = await tableRows();
      expect(rows.map((r) => r.loss).sort()).toEqual(preset.params.losses!.split(',').sort());
      for (const row of rows) {
        expect(row.status).toBe('done');
        expect(row.final).toBeGreaterThan(0);
      }
      await page.screenshot({ path: join(shots, `12-preset-${preset.id}.png`), fullPage: true });
    }
    expect(pageErrors).toEqual([]);
  }, 360_000);

  it('loss cards show KaTeX formulas; legend toggles work from the keyboard; steps/s stays after the run', async () => {
    await open('?backend=wasm&dataset=spirals&steps=6&evalEvery=3');
    const cards = await page.locator('[data-testid=loss-list] [data-loss-id]').count();
    expect(await page.locator('[data-testid=loss-list] [data-testid=formula] .katex').count()).toBe(cards);
    expect(
      await page.locator('[data-testid=loss-list] [data-testid=purpose]').first().textContent(),
    ).toContain('when to use');
    await trainAndWait();
    // steps/s of every finished run is a number.
    const rates = await page
      .locator('[data-testid=results-table] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.children[r.children.length - 2]!.textContent));
    for (const rate of rates) expect(Number(rate)).toBeGreaterThan(0);
    // Tab reaches a legend entry; Enter hides the run, Space shows it again.
    const toggle = page.locator('[data-chart=loss] .u-legend .u-series').nth(1).locator('th');
    expect(await toggle.getAttribute('tabindex')).toBe('0');
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(
      await page.locator('[data-chart=loss] .u-legend .u-series').nth(1).getAttribute('class'),
    ).toContain('u-off');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await page.keyboard.press(' ');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
  });

  it('run history: finished comparisons are kept, overlaid on request, labelled, and cleared', async () => {
    await open('?backend=wasm&dataset=spirals&steps=6&evalEvery=3');
    await page.click('[data-testid=history-clear]');
    await page.waitForSelector('[data-testid=history-empty]');
    await trainAndWait();
    await page.fill('#lr', '0.02');
    await trainAndWait();
    const entries = page.locator('[data-testid=history-entry]');
    expect(await entries.count()).toBe(2);
    const ids = await entries.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))));
    const [latest, earlier] = ids as [number, number];
    // The comparison on screen cannot be overlaid on itself; the earlier one can.
    expect(await page.locator(`[data-history="${latest}"]`).isDisabled()).toBe(true);
    const runs = await page.locator('[data-testid=run]').count();
    await page.check(`[data-history="${earlier}"]`);
    await page.waitForSelector(`[data-chart=loss][data-series="${runs * 2}"]`);
    const legend = await page.locator('[data-chart=accuracy] .u-legend .u-label').allTextContents();
    expect(legend.filter((l) => l.endsWith(` · #${earlier}`))).toHaveLength(runs);
    await page.screenshot({ path: join(shots, '16-history-overlay.png'), fullPage: true });
    // Another task: its comparison is listed, but never overlaid on classification (and says why).
    await page.selectOption('[data-testid=family-select]', 'metric');
    await trainAndWait();
    expect(await page.locator(`[data-history="${earlier}"]`).isDisabled()).toBe(true);
    expect(await page.locator(`[data-testid=history-entry][data-id="${earlier}"]`).textContent()).toContain(
      'another task',
    );
    // Kept across a reload; cleared on request.
    await open('?backend=wasm&dataset=spirals');
    expect(await entries.count()).toBe(3);
    await page.click('[data-testid=history-clear]');
    await page.waitForSelector('[data-testid=history-empty]');
    await open('?backend=wasm&dataset=spirals');
    expect(await entries.count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('the URL round-trips a full configuration', async () => {
    await open('?backend=wasm');
    await page.selectOption('[data-testid=family-select]', 'classification');
    await page.fill('#steps', '77');
    await page.fill('#batch', '32');
    await page.fill('#lr', '0.003');
    await page.fill('#seed', '5');
    await page.fill('#eval-every', '7');
    await page.fill('#sc-noise', '20');
    await page.selectOption('#sc-noiseKind', 'asymmetric');
    await page.fill('#sc-imbalance', '10');
    await page.fill('#sc-trainSize', '500');
    await page.check('#chart-log');
    await page.fill('#chart-ema', '0.5');
    await page.check('[data-loss="xent/gce"]');
    await page.fill('[id="xent/gce::q"]', '0.5');
    const snapshot = () =>
      page.evaluate(() => {
        const values: Record<string, string> = {};
        for (const el of document.querySelectorAll<HTMLInputElement | HTMLSelectElement>(
          '.setup input, .setup select, .loss-list input, .loss-list select',
        )) {
          const key = el.id || el.getAttribute('data-loss') || '';
          values[key] =
            el instanceof HTMLInputElement && el.type === 'checkbox' ? String(el.checked) : el.value;
        }
        return values;
      });
    const before = await snapshot();
    const url = page.url();
    const params = new URL(url).searchParams;
    expect(params.get('steps')).toBe('77');
    expect(params.get('noiseKind')).toBe('asymmetric');
    expect(params.get('o.gceLoss.q')).toBe('0.5');
    expect(params.get('losses')).toContain('gceLoss');
    expect(params.get('backend')).toBe('wasm');
    await page.goto(url);
    await page.waitForSelector('body[data-ready]', { timeout: 90_000 });
    expect(await snapshot()).toEqual(before);
    expect(page.url()).toBe(url);
  });

  it('fits a 360 px wide screen without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    try {
      await open('?backend=wasm&steps=6&evalEvery=3');
      await trainAndWait();
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      await page.screenshot({ path: join(shots, '13-narrow-360.png'), fullPage: true });
      await page
        .locator('[data-testid=results]')
        .screenshot({ path: join(shots, '13-narrow-360-results.png') });
      expect(overflow).toBeLessThanOrEqual(0);
      await page.emulateMedia({ colorScheme: 'dark' });
      expect(
        await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bg').trim()),
      ).toBe('#0f172a');
      await page.screenshot({ path: join(shots, '14-dark-360.png') });
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 1280, height: 1000 });
    }
  });
});
