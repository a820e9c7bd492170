// Prints the closing line CI reads, `N passed, N failed` (after a line `N skipped`), from vitest's JSON
// report, and exits 1 when any test failed or none ran.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.cache/vitest.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.log(`no test report at ${file}: ${error.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
// A failed file counts once more only when none of its tests failed (an import error, a failing hook):
// numFailedTestSuites also counts every describe block around a failed test.
const filesFailedOutsideTests = (report.testResults ?? []).filter(
  (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed'),
).length;
const failed = (report.numFailedTests ?? 0) + filesFailedOutsideTests;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
if (passed === 0) console.log('no test ran: that is a failure');
console.log(`${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
