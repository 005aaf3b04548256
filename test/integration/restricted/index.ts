// Entry of the Restricted Mode suite: the folder opens untrusted (workspace trust stays on).
import { runMochaSuite } from '../support/mochaRunner';

export function run(): Promise<void> {
  return runMochaSuite(__dirname);
}
