// Entry of the main integration suite (extensionTestsPath): a trusted workspace, the extension under development.
import { runMochaSuite } from '../support/mochaRunner';

export function run(): Promise<void> {
  return runMochaSuite(__dirname);
}
