// What "AgoraBench: Run Benchmark" returns: a value a caller (or a test) can branch on, instead
// of a rejection that VS Code would turn into a second, generic error notification.
import type { ConfigProblem, RunSummary } from '../../core';

export type RunOutcome =
  /** The engine ran; `summary.status` says whether it completed, was cancelled or failed. */
  | { status: 'finished'; summary: RunSummary }
  | { status: 'restricted' }
  | { status: 'no-config' }
  | { status: 'already-running'; configFile: string }
  | { status: 'config-error'; configFile: string; problems: ConfigProblem[] }
  | { status: 'missing-key'; configFile: string; envVar: string; generator: string }
  | { status: 'error'; configFile: string; message: string };
