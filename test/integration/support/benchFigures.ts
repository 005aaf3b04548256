// What the `bench` suite measures inside the extension host, for `npm run bench:activation`.

/** Env var naming the JSON file the `bench` suite writes its figures to (unset: it only logs them). */
export const BENCH_OUT_ENV = 'AGORABENCH_BENCH_OUT';

export interface ActivationFigures {
  /** `await extension.activate()` on a host where nothing activated it yet: loading the bundle + activate(). */
  activateMs: number;
  /** The bundle the host loaded (package.json `main`), and its size. */
  main: string;
  mainBytes: number;
  /** The extension's dist/ files in the host's module cache once activate() returned (what activation loaded). */
  loaded: string[];
  vscodeVersion: string;
  node: string;
}
