// "AgoraBench: Set API Key": pick the env var name a generator reads (or type one), enter the
// key in a password box, store it in SecretStorage under that name.
import * as vscode from 'vscode';
import { ConfigError, loadConfig } from '../../core';
import { CONFIG_GLOB, isConfigFile } from '../config/configFiles';
import type { Services } from '../services';
import { isEnvVarName, keyEnvVars } from './keyStore';
import { stepDone } from '../walkthrough/walkthroughSteps';

export const SET_API_KEY_COMMAND = 'agorabench.setApiKey';
export const CLEAR_API_KEY_COMMAND = 'agorabench.clearApiKey';

/** Optional argument: preselects the name; `value` skips the input box (tests, scripted setup). */
export interface SetApiKeyArgs {
  envVar?: string;
  configFile?: string;
  value?: string;
}

const COMMON = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY'];

export function registerSetApiKey(_context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(SET_API_KEY_COMMAND, (arg?: SetApiKeyArgs) => setApiKey(services, arg ?? {})),
    vscode.commands.registerCommand(CLEAR_API_KEY_COMMAND, (arg?: { envVar?: string }) => clearApiKey(services, arg ?? {})),
  );
}

/** Returns the env var name the key was stored under (never the key), or undefined if cancelled. */
async function setApiKey(services: Services, arg: SetApiKeyArgs): Promise<string | undefined> {
  const envVar = arg.envVar ?? (await pickEnvVar(arg.configFile ?? activeConfig()));
  if (!envVar) return undefined;
  if (!isEnvVarName(envVar)) {
    void vscode.window.showErrorMessage(`AgoraBench: "${envVar}" is not an environment variable name.`);
    return undefined;
  }
  const key =
    arg.value ??
    (await vscode.window.showInputBox({
      title: `API key for ${envVar}`,
      prompt: 'Stored in VS Code SecretStorage; used instead of the environment variable.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter a key'),
    }));
  if (!key?.trim()) return undefined;
  await services.keys.set(envVar, key.trim());
  services.log.info(`stored an API key for ${envVar} in SecretStorage`);
  stepDone('key');
  if (arg.value === undefined) void vscode.window.showInformationMessage(`AgoraBench: API key for ${envVar} saved.`);
  return envVar;
}

function activeConfig(): string | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri && isConfigFile(uri.fsPath) ? uri.fsPath : undefined;
}

async function pickEnvVar(configFile: string | undefined): Promise<string | undefined> {
  // the names this config's generators read; without one, those of every config in the workspace
  const files = configFile ? [configFile] : (await vscode.workspace.findFiles(CONFIG_GLOB, '**/node_modules/**', 50)).map((u) => u.fsPath);
  const fromConfig = [...new Set(files.flatMap(envVarsOf))];
  const names = [...new Set([...fromConfig, ...COMMON])];
  const custom = { label: '$(edit) Other environment variable…', name: undefined };
  const picked = await vscode.window.showQuickPick(
    [...names.map((n) => ({ label: n, description: fromConfig.includes(n) ? 'used by this config' : undefined, name: n as string | undefined })), custom],
    { placeHolder: 'Which key do you want to set?' },
  );
  if (!picked) return undefined;
  if (picked.name) return picked.name;
  return vscode.window.showInputBox({
    prompt: 'Environment variable name (as in the generator\'s "apiKeyEnv")',
    validateInput: (v) => (isEnvVarName(v) ? undefined : 'Letters, digits and _; not starting with a digit'),
  });
}

function envVarsOf(configFile: string): string[] {
  try {
    return keyEnvVars(loadConfig(configFile).generators);
  } catch (e) {
    if (e instanceof ConfigError) return [];
    throw e;
  }
}

/**
 * "AgoraBench: Clear API Key": removes a key stored from VS Code. Returns the name cleared. A key
 * in the environment cannot be removed from here; the message says it is still used.
 */
async function clearApiKey(services: Services, arg: { envVar?: string }): Promise<string | undefined> {
  let envVar = arg.envVar;
  if (!envVar) {
    const stored = services.keys.storedNames();
    if (!stored.length) {
      void vscode.window.showInformationMessage('AgoraBench: no API key is stored in VS Code (keys from environment variables are left to the shell).');
      return undefined;
    }
    envVar = (await vscode.window.showQuickPick(stored.map((n) => ({ label: n, description: 'stored in SecretStorage' })), { placeHolder: 'Which stored key should be removed?' }))?.label;
  }
  if (!envVar) return undefined;
  await services.keys.delete(envVar);
  services.log.info(`removed the API key for ${envVar} from SecretStorage`);
  const still = (await services.keys.source(envVar)) === 'environment';
  void vscode.window.showInformationMessage(`AgoraBench: API key for ${envVar} removed from VS Code.${still ? ` The environment variable ${envVar} still provides one.` : ''}`);
  return envVar;
}
