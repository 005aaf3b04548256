/**
 * A signal for one operation that aborts when `parent` does, and lets go of `parent` when the
 * operation ends. Handing a long-lived (run-wide) signal straight to the SDKs would leave one
 * listener on it per request — the SDKs never remove theirs — and adding a listener scans the
 * existing ones, so a run slowed down quadratically; the SDKs get this short-lived signal instead.
 */
export function linkedAbort(parent: AbortSignal | undefined): { signal: AbortSignal | undefined; release(): void } {
  if (!parent) return { signal: undefined, release: () => undefined };
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, release: () => undefined };
  }
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, release: () => parent.removeEventListener('abort', onAbort) };
}
