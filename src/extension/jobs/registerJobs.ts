// Registers the Jobs view, its status bar item, the command that stops jobs and Show Log.
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { JobState } from './jobRegistry';
import { JOBS_VIEW, JobsProvider, jobDescription, jobLabel } from './jobsView';

export const CANCEL_COMMAND = 'agorabench.cancel';
export const SHOW_LOG_COMMAND = 'agorabench.showLog';
/** Tests: the jobs and the status bar as plain data. Not in the manifest. */
export const JOBS_TEST_COMMAND = 'agorabench._jobs';

/**
 * `agorabench.cancel` argument: a Jobs view item, `{ key }`, `{ configFile }` or `{ all: true }`.
 * Without one: the only job, or a pick among them.
 */
export type CancelArgs = { job?: JobState; key?: string; configFile?: string; all?: boolean } | vscode.Uri | undefined;

export function registerJobs(_context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  const provider = new JobsProvider(services.runs);
  const view = vscode.window.createTreeView(JOBS_VIEW, { treeDataProvider: provider });
  return vscode.Disposable.from(
    provider,
    view,
    vscode.commands.registerCommand(CANCEL_COMMAND, (arg?: CancelArgs) => cancel(services, arg)),
    vscode.commands.registerCommand(SHOW_LOG_COMMAND, () => services.log.show(true)),
    vscode.commands.registerCommand(JOBS_TEST_COMMAND, () => ({ jobs: services.runs.jobs().map((j) => ({ ...j, description: jobDescription(j) })), statusBar: provider.statusBarJson() })),
  );
}

/** Returns how many jobs were asked to stop. */
async function cancel(services: Services, arg: CancelArgs): Promise<number> {
  if (arg instanceof vscode.Uri) return services.runs.cancel({ configFile: arg.fsPath });
  if (arg?.all) return services.runs.cancel();
  const key = arg?.job?.key ?? arg?.key;
  if (key) return services.runs.cancel({ key });
  if (arg?.configFile) return services.runs.cancel({ configFile: arg.configFile });
  const jobs = services.runs.jobs().filter((j) => j.phase !== 'stopping');
  if (!jobs.length) {
    void vscode.window.showInformationMessage('AgoraBench: no job is running.');
    return 0;
  }
  if (jobs.length === 1) return services.runs.cancel({ key: jobs[0]?.key });
  const picked = await vscode.window.showQuickPick(
    [{ label: '$(debug-stop) All jobs', key: undefined as string | undefined }, ...jobs.map((j) => ({ label: jobLabel(j), description: jobDescription(j), key: j.key as string | undefined }))],
    { placeHolder: 'Which job should stop? (requests in flight finish and are kept)' },
  );
  if (!picked) return 0;
  return picked.key ? services.runs.cancel({ key: picked.key }) : services.runs.cancel();
}
