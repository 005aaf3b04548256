// "AgoraBench: Train Students": one student per generated dataset, launched where the config's
// "training.launcher" says and followed with progress. Cancel stops following (trainings go on
// and the next Train Students picks them up); "Cancel Trainings" on the notification ends them.
import * as vscode from 'vscode';
import { errorMessage, trainStudents, type StudentOutcome } from '../../core';
import { prepareLaunch, type LaunchSpec } from '../run/launch';
import type { RunOutcome } from '../run/runOutcome';
import type { Services } from '../services';

export const TRAIN_COMMAND = 'agorabench.trainStudents';

const TRAIN_LAUNCH: LaunchSpec = {
  kind: 'training',
  doing: 'training students',
  question: 'Which config\'s datasets should train students?',
  endpoints: (c) => (c.training.launcher?.type === 'openai' ? [{ id: 'training (OpenAI fine-tuning)', apiKeyEnv: c.training.launcher.apiKeyEnv }] : []),
  registryKey: (c) => `${c.file}#train`,
};

export type TrainOutcome = Exclude<RunOutcome, { status: 'finished' }> | { status: 'trained'; students: StudentOutcome[] };

export function registerTrainCommand(_context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(TRAIN_COMMAND, (arg?: unknown, opts?: { cancel?: boolean }) => train(services, arg, opts?.cancel ?? false));
}

async function train(services: Services, arg: unknown, cancelTrainings: boolean): Promise<TrainOutcome> {
  const ready = await prepareLaunch(services, arg, TRAIN_LAUNCH);
  if ('outcome' in ready) return ready.outcome as TrainOutcome;
  const { config } = ready;
  if (!config.training.launcher) {
    void vscode.window.showWarningMessage(`AgoraBench: ${config.name} has no "training.launcher" (openai or command).`);
    return { status: 'no-config' };
  }
  const key = TRAIN_LAUNCH.registryKey(config);
  const control = services.runs.start(key, { kind: 'training', configFile: config.file, configName: config.name });
  const cancel = new AbortController();
  if (cancelTrainings) cancel.abort();
  try {
    const students = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `AgoraBench: training students of ${config.name}`, cancellable: true }, (progress, token) => {
      const sub = token.onCancellationRequested(() => control.cancel());
      const status = new Map<string, string>();
      return trainStudents(config, {
        signal: cancel.signal,
        detach: control.stopSignal,
        resolveKey: services.keys.resolver,
        onEvent: (e) => {
          if (e.type === 'warn') services.log.warn(e.message);
          if (e.type === 'log') services.log.info(`[${e.student}] ${e.line}`);
          if (e.type === 'student') {
            status.set(e.student, e.job.status);
            const counts = [...status.values()].reduce<Record<string, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});
            const message = Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(', ');
            progress.report({ message });
            control.update({ phase: 'running', message, done: counts.succeeded ?? 0, total: status.size });
          }
        },
      }).finally(() => sub.dispose());
    });
    const running = students.filter((s) => s.job && !['succeeded', 'failed', 'cancelled'].includes(s.job.status));
    const failed = students.filter((s) => s.error || s.job?.status === 'failed');
    for (const s of failed) services.log.error(`${s.id}: ${s.error ?? s.job?.error ?? 'failed'}${s.job?.logTail.length ? `\n  ${s.job.logTail.slice(-5).join('\n  ')}` : ''}`);
    const text = `AgoraBench: ${students.filter((s) => s.job?.status === 'succeeded').length} of ${students.length} students trained${failed.length ? `, ${failed.length} failed` : ''}${running.length ? `, ${running.length} still training` : ''}.`;
    const actions = [...(running.length ? ['Cancel Trainings'] : []), 'Show Log'];
    void (failed.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage)(text, ...actions).then((choice) => {
      if (choice === 'Show Log') services.log.show();
      if (choice === 'Cancel Trainings') void vscode.commands.executeCommand(TRAIN_COMMAND, config.file, { cancel: true });
    });
    return { status: 'trained', students };
  } catch (e) {
    const message = errorMessage(e);
    services.log.error(`training students of "${config.name}" failed: ${message}`);
    void vscode.window.showErrorMessage(`AgoraBench: training students of "${config.name}" failed: ${message}`);
    return { status: 'error', configFile: config.file, message };
  } finally {
    services.runs.finish(key, control);
  }
}
