// The webview side of VS Code: `acquireVsCodeApi` may be called once per page, so it is wrapped
// here and typed with a panel's messages (`M`, webview → host) and persisted state (`S`).

interface RawVsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): RawVsCodeApi;

export interface VsCodeApi<M, S> {
  post(message: M): void;
  /** Whatever was saved last (validated by the caller: it may come from an older version). */
  savedState(): unknown;
  saveState(state: S): void;
}

let raw: RawVsCodeApi | undefined;

export function vscodeApi<M, S>(): VsCodeApi<M, S> {
  raw ??= acquireVsCodeApi();
  const api = raw;
  return {
    post: (m) => api.postMessage(m),
    savedState: () => api.getState(),
    saveState: (s) => api.setState(s),
  };
}
