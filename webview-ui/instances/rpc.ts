// Request/response over postMessage: each request carries an id; the host answers with the same
// id and either a result or an error.
import type { HostMessage, InstancesRequests, RequestMethod } from '../../src/protocol/instancesProtocol';
import type { VsCodeApi } from './vscodeApi';

/** The host answered a request with an error. */
export class HostRequestError extends Error {
  override name = 'HostRequestError';
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class Rpc {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly api: VsCodeApi) {}

  request<M extends RequestMethod>(method: M, params: InstancesRequests[M]['params']): Promise<InstancesRequests[M]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.api.post({ type: 'request', id, method, params });
    });
  }

  /** Settles the matching request; returns false for messages that are not responses. */
  handle(m: HostMessage): boolean {
    if (m.type !== 'response') return false;
    const p = this.pending.get(m.id);
    if (!p) return true;
    this.pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(new HostRequestError(m.error));
    return true;
  }
}
