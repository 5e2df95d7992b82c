/**
 * Ends the run with the plain line "N passed, N failed[, N skipped]" that tools outside jest (CI's test count)
 * read in any language.
 */
class PlainSummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
    process.stdout.write(`\n${line}\n`);
  }
}

module.exports = PlainSummaryReporter;
