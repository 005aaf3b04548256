// Entry of the packaged-extension suite: the .vsix is installed in the host, a do-nothing probe
// is the development extension, so everything tested here comes from the package.
import { runMochaSuite } from '../support/mochaRunner';

export function run(): Promise<void> {
  return runMochaSuite(__dirname);
}
