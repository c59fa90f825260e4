// Suites beyond typecheck, lint and unit: each later area (python, webview, e2e, slurm) adds one here.
export function suites(_nodeTestSuite) {
  return [];
}
