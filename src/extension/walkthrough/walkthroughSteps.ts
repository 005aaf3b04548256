// The "Get started with AgoraBench" walkthrough: each step completes on a context key that the
// real action sets once it succeeded (a key stored, a config found, an estimate shown, results
// written, instances opened, models evaluated), not on a command merely invoked.
import * as vscode from 'vscode';

const CONTEXT = {
  key: 'agorabench.done.key',
  estimate: 'agorabench.done.estimate',
  inspect: 'agorabench.done.inspect',
  evaluate: 'agorabench.done.evaluate',
  /** The workspace has a config (set when the Runs view lists one, or New Config wrote one). */
  config: 'agorabench.hasConfig',
  /** Some config has results (set when the Runs view shows a run, or a run produced valid instances). */
  results: 'agorabench.hasResults',
} as const;

export type WalkthroughStep = keyof typeof CONTEXT;

const done = new Set<WalkthroughStep>();

/** Marks a step done (once per session: setContext is not free). */
export function stepDone(step: WalkthroughStep): void {
  if (done.has(step)) return;
  done.add(step);
  void vscode.commands.executeCommand('setContext', CONTEXT[step], true);
}
