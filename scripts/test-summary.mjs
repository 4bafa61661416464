// Prints vitest's JSON report as the plain closing line CI reads: "<N> passed, <N> failed".
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
if (report.numFailedTests > 0 || report.numTotalTests === 0) process.exit(1);
