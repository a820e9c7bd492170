export { type PeakMemory, peakMemory, type Timing, time } from './measure.js';
export { type PairedTiming, timePaired } from './paired.js';
export { type BenchRow, machineLine, ratioTable } from './report.js';
