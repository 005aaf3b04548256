// "AgoraBench: Evaluate Models": every model of the config's "evaluations" on its benchmarks,
// with progress and Cancel; the scores go to the index (for PGR) and to the Output channel.
import * as vscode from 'vscode';
import { BENCHMARK_INFO, runJobInWorker, type EvalScore, type EvalSummary, type RunConfig } from '../../core';
import { prepareLaunch, runWithProgress, type LaunchSpec } from '../run/launch';
import { formatUsd } from '../run/progressReporter';
import type { RunOutcome } from '../run/runOutcome';
import type { Services } from '../services';
import { stepDone } from '../walkthrough/walkthroughSteps';

export const EVALUATE_COMMAND = 'agorabench.evaluate';

/** Evaluation needs the models' keys, and the judge's when a judged benchmark is asked for. */
export const EVAL_LAUNCH: LaunchSpec = {
  kind: 'evaluation',
  doing: 'evaluating models',
  question: 'Which config has the models to evaluate?',
  endpoints: (c) => [...c.evaluations, ...(c.evaluation.benchmarks.some((b) => BENCHMARK_INFO[b].kind === 'pairwise') ? [c.evaluation.judge] : [])],
  registryKey: (c) => `${c.file}#eval`,
};

export function registerEvaluateCommand(_context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(EVALUATE_COMMAND, (arg?: unknown) => evaluate(services, arg));
}

/** What the command returns: why it did not run, or the evaluation's summary with its scores. */
export type EvalOutcome = Exclude<RunOutcome, { status: 'finished' }> | { status: 'evaluated'; summary: EvalSummary };

async function evaluate(services: Services, arg: unknown): Promise<EvalOutcome> {
  const ready = await prepareLaunch(services, arg, EVAL_LAUNCH);
  if ('outcome' in ready) return ready.outcome as EvalOutcome;
  const config: RunConfig = ready.config;
  if (!config.evaluations.length) {
    void vscode.window.showWarningMessage(`AgoraBench: ${config.name} declares no "evaluations" (models to evaluate).`);
    return { status: 'no-config' };
  }
  const done = await runWithProgress(services, config, EVAL_LAUNCH, (o) => runJobInWorker<EvalSummary>('eval', config, o));
  if ('outcome' in done) return done.outcome as EvalOutcome;
  const { summary } = done;
  services.log.info(`scores of "${summary.run}":\n${scoreLines(summary.scores).join('\n')}`);
  const best = summary.scores.map((s) => `${s.model} ${s.benchmark} ${s.score.toFixed(1)}`).slice(0, 4).join(', ');
  const error = summary.datasets.find((d) => d.error)?.error;
  const text = `AgoraBench "${summary.run}" evaluation ${summary.status}: ${summary.scores.length} score(s)${best ? ` (${best}${summary.scores.length > 4 ? ', …' : ''})` : ''}, ${formatUsd(summary.costUsd)}.${error ? ` ${error}` : ''}`;
  const show = summary.status === 'completed' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  void show(text, 'Show Scores').then((choice) => choice && services.log.show());
  if (summary.scores.length) stepDone('evaluate');
  return { status: 'evaluated', summary };
}

/** One line per score, for the Output channel. */
export function scoreLines(scores: EvalScore[]): string[] {
  return scores.map(
    (s) =>
      `  ${s.model}${s.role ? ` (${s.role})` : ''}  ${s.benchmark}  ${s.metric} ${s.score.toFixed(2)}` +
      `${s.ci95 ? ` [${s.ci95[0].toFixed(2)}, ${s.ci95[1].toFixed(2)}]` : ''}  n=${s.n}${s.missing ? ` missing=${s.missing}` : ''}  prompt=${s.promptFormat.format}${s.promptFormat.shots ? `/${s.promptFormat.shots}-shot` : ''}`,
  );
}
