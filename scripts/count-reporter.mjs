// node:test reporter that writes {"passed","failed","skipped","failures":[...]} as JSON: the test
// orchestrator (scripts/test.mjs) adds these up into the closing "N passed, N failed" line.
export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for await (const event of source) {
    const d = event.data;
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (d.details?.type === 'suite') continue;
    if (d.skip || d.todo) counts.skipped++;
    else if (event.type === 'test:pass') counts.passed++;
    else {
      counts.failed++;
      counts.failures.push(`${d.file ?? ''}: ${d.name}`);
    }
  }
  yield JSON.stringify(counts) + '\n';
}
