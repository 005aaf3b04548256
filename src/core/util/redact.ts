/**
 * Removes secrets from text that reaches a terminal, a log, a store or a webview: the keys in
 * use (exact), and anything shaped like a provider key or a bearer token, which some servers
 * quote back in their error bodies (a 401 "Incorrect API key provided: sk-…").
 */
const KEY_SHAPES: RegExp[] = [
  /\b(?:sk|rk|pk)-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{8,}/g, // OpenAI, Anthropic and look-alikes
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b(?:hf|gsk|xai|tgp|ghp|gho|github_pat|AKIA)_?[A-Za-z0-9_]{16,}/g, // Hugging Face, Groq, xAI, Together, GitHub, AWS
  /\b[A-Fa-f0-9]{40,}\b/g, // long hex tokens (e.g. Together keys)
];

/** Keys in use in this process; `redact` removes them wherever they appear. */
const known = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) known.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const k of known) if (out.includes(k)) out = out.split(k).join('[redacted key]');
  for (const re of KEY_SHAPES) out = out.replace(re, (m) => (m.toLowerCase().startsWith('bearer') ? 'Bearer [redacted]' : '[redacted key]'));
  return out;
}
