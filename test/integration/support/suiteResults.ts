// What a suite running inside the extension host reports back to the runner outside it.

/** Env var naming the JSON file the suite writes its results to. */
export const RESULTS_ENV = 'AGORABENCH_TEST_RESULTS';

export interface SuiteFailure {
  title: string;
  error: string;
}

export interface SuiteResults {
  passed: number;
  failed: number;
  failures: SuiteFailure[];
}
