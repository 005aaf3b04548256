// Entry of the bench suite: a folder without any *.agorabench.json, so the extension stays inactive
// until the one test activates it and times that. Run by `npm run bench:activation` (one fresh host
// per run), never by `npm test` or a bare `npm run test:integration`.
import { runMochaSuite } from '../support/mochaRunner';

export function run(): Promise<void> {
  return runMochaSuite(__dirname);
}
