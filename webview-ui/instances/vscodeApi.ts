// The webview side of VS Code: `acquireVsCodeApi` may be called once per page, so it is wrapped
// here and typed with this panel's messages and persisted state.
import type { InstancesPanelState, WebviewMessage } from '../../src/protocol/instancesProtocol';

interface RawVsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): RawVsCodeApi;

export interface VsCodeApi {
  post(message: WebviewMessage): void;
  /** Whatever was saved last (validated by the caller: it may come from an older version). */
  savedState(): unknown;
  saveState(state: InstancesPanelState): void;
}

export function vscodeApi(): VsCodeApi {
  const api = acquireVsCodeApi();
  return {
    post: (m) => api.postMessage(m),
    savedState: () => api.getState(),
    saveState: (s) => api.setState(s),
  };
}
