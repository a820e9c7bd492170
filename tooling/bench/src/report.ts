import { cpus, totalmem } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';

/** One row of a ratio table: a name and named measurements. */
export interface BenchRow {
  readonly name: string;
  readonly values: Readonly<Record<string, number>>;
}

/** `AMD EPYC … (2 cores, 24 GiB), Node v20…, tfjs 4.22.0 wasm` — the line every BENCHMARKS.md entry carries. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const gib = Math.round(totalmem() / 2 ** 30);
  return `${cpu} (${cpus().length} cores, ${gib} GiB), Node ${process.version}, tfjs ${tf.version_core} ${tf.getBackend()}`;
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1e6) return `${(value / 2 ** 20).toFixed(1)} MiB`;
  if (Math.abs(value) >= 100) return value.toFixed(0);
  return value.toPrecision(3);
}

/**
 * Prints (and returns) a markdown table: each measurement of each row, then its ratio to the
 * baseline row (the first unless named), measured in the same run.
 */
export function ratioTable(title: string, rows: readonly BenchRow[], baseline = rows[0]?.name): string {
  const base = rows.find((r) => r.name === baseline);
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.values)))];
  const header = ['', ...keys.flatMap((k) => [k, `${k} ×`])];
  const lines = [
    `### ${title}`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => {
      const cells = keys.flatMap((k) => {
        const value = row.values[k];
        const reference = base?.values[k];
        const ratio = value !== undefined && reference ? value / reference : Number.NaN;
        return [value === undefined ? '' : format(value), Number.isNaN(ratio) ? '' : `${ratio.toFixed(2)}×`];
      });
      return `| ${row.name}${row.name === baseline ? ' (baseline)' : ''} | ${cells.join(' | ')} |`;
    }),
    '',
  ];
  const text = lines.join('\n');
  console.log(text);
  return text;
}
