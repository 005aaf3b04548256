// Runs the *.test.js files beside a suite's index inside the extension host, prints the
// `N passed, N failed` line CI reads, and writes the counts for the outside runner.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { RESULTS_ENV, type SuiteResults } from './suiteResults';

export interface MochaSuiteOptions {
  timeoutMs?: number;
  /** Only the test files whose name passes (default: every *.test.js). */
  only?: (file: string) => boolean;
  /** Add to the counts an earlier phase of the same suite wrote (a suite that reloads the window). */
  addToPrevious?: boolean;
}

export function runMochaSuite(dir: string, o: MochaSuiteOptions = {}): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: o.timeoutMs ?? 60_000, reporter: 'spec' });
  // AGORABENCH_IT_ONLY=a,b: only the test files whose name contains one of these (a quicker loop while working on some)
  const only = process.env.AGORABENCH_IT_ONLY?.split(',').filter(Boolean);
  for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.test.js') && (o.only?.(f) ?? true) && (!only?.length || only.some((x) => f.includes(x)))) mocha.addFile(path.join(dir, f));
  const out = process.env[RESULTS_ENV];
  const results: SuiteResults = o.addToPrevious && out && fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as SuiteResults) : { passed: 0, failed: 0, failures: [] };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      results.passed += runner.stats?.passes ?? 0;
      results.failed += failures;
      console.log(`${results.passed} passed, ${results.failed} failed`);
      if (out) fs.writeFileSync(out, JSON.stringify(results, null, 2));
      if (failures) reject(new Error(`${failures} tests failed.`));
      else resolve();
    });
    runner.on('fail', (test, err: unknown) => {
      results.failures.push({ title: test.fullTitle(), error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    });
  });
}
