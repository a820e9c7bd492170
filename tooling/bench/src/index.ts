export { type PeakMemory, peakMemory, type Timing, time } from './measure.js';
export { type BenchRow, machineLine, ratioTable } from './report.js';
