// A config's results directory and run name (what a panel or picker shows), from an argument,
// the visible config or a QuickPick; an invalid config is reported as diagnostics and a message.
import * as vscode from 'vscode';
import { ConfigError, loadConfig, type RunConfig } from '../../core';
import type { Services } from '../services';
import { firstProblem } from './configDiagnostics';
import { resolveConfigFile } from './configFiles';

export interface ConfigScope {
  resultsDir: string;
  /** The run: the one given, else the config's name. */
  run: string;
  configFile: string;
  config: RunConfig;
}

/** Undefined when the user picked nothing or the config is invalid (already shown). */
export async function configScope(services: Services, configFile: unknown, run: string | undefined, question: string): Promise<ConfigScope | undefined> {
  const file = await resolveConfigFile(configFile, question);
  if (!file) return undefined;
  try {
    const config = loadConfig(file);
    return { resultsDir: config.resultsDir, run: run ?? config.name, configFile: file, config };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    services.diagnostics.publish(e);
    void vscode.window.showErrorMessage(`AgoraBench: invalid config ${firstProblem(e)}`);
    return undefined;
  }
}
