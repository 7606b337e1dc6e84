// Prints one closing line, "N passed, N failed" (and skipped), that CI log readers understand.
function SummaryReporter(baseReporterDecorator) {
  baseReporterDecorator(this);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  this.onSpecComplete = (browser, result) => {
    if (result.skipped || result.pending) skipped++;
    else if (result.success) passed++;
    else failed++;
  };
  this.onRunComplete = (browsers, results) => {
    if (results.error && failed === 0) failed = Math.max(1, results.failed);
    this.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  };
}
SummaryReporter.$inject = ['baseReporterDecorator'];

module.exports = { 'reporter:summary': ['type', SummaryReporter] };
