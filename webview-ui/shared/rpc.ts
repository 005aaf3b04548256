// Request/response over postMessage, shared by every panel: each request carries an id; the host
// answers with the same id and either a result or an error. `R` is the panel's request table
// (method → params/result) from its protocol file.

/** The host answered a request with an error. */
export class HostRequestError extends Error {
  override name = 'HostRequestError';
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
// a mapped constraint, so a protocol's `interface` (which has no index signature) qualifies
type RequestTable<R> = { [K in keyof R]: { params: unknown; result: unknown } };
type Response = { type: 'response'; id: number; ok: true; result: unknown } | { type: 'response'; id: number; ok: false; error: string };

export class Rpc<R extends RequestTable<R>> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly post: (m: { type: 'request'; id: number; method: keyof R & string; params: unknown }) => void) {}

  request<M extends keyof R & string>(method: M, params: R[M]['params']): Promise<R[M]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.post({ type: 'request', id, method, params });
    });
  }

  /** Settles the matching request; returns false for messages that are not responses. */
  handle(m: { type: string }): boolean {
    if (m.type !== 'response') return false;
    const r = m as Response;
    const p = this.pending.get(r.id);
    if (!p) return true;
    this.pending.delete(r.id);
    if (r.ok) p.resolve(r.result);
    else p.reject(new HostRequestError(r.error));
    return true;
  }
}
