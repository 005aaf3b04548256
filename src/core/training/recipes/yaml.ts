/**
 * Just enough YAML for a recipe file: block mappings and sequences, scalars written so both YAML 1.1
 * (PyYAML, which axolotl uses) and 1.2 read them back as the same type, and `#` comment lines before
 * top-level keys (where a recipe explains a choice).
 */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

export function toYaml(doc: Record<string, YamlValue>, comments: Record<string, string[]> = {}, header: string[] = []): string {
  const out: string[] = header.map((l) => (l ? `# ${l}` : '#'));
  for (const [key, value] of Object.entries(doc)) {
    for (const c of comments[key] ?? []) out.push(`# ${c}`);
    out.push(...entry(key, value, 0));
  }
  return out.join('\n') + '\n';
}

function entry(key: string, value: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (isBlock(value)) return [`${pad}${scalarKey(key)}:`, ...block(value, indent + 2)];
  return [`${pad}${scalarKey(key)}: ${scalar(value as string | number | boolean | null | YamlValue[])}`];
}

function block(value: YamlValue[] | { [key: string]: YamlValue }, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (!Array.isArray(value)) return Object.entries(value).flatMap(([k, v]) => entry(k, v, indent));
  return value.flatMap((item) => {
    if (!isBlock(item)) return [`${pad}- ${scalar(item as string | number | boolean | null | YamlValue[])}`];
    const lines = block(item, indent + 2);
    // the first line of the item goes after the dash
    return lines.map((l, i) => (i === 0 ? `${pad}- ${l.slice(indent + 2)}` : l));
  });
}

/** Non-empty mappings and sequences of mappings are written as blocks; empty ones and scalar lists inline. */
function isBlock(v: YamlValue): v is YamlValue[] | { [key: string]: YamlValue } {
  if (Array.isArray(v)) return v.some((x) => typeof x === 'object' && x !== null);
  return typeof v === 'object' && v !== null && Object.keys(v).length > 0;
}

function scalar(v: string | number | boolean | null | YamlValue[]): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map((x) => scalar(x as string | number | boolean | null)).join(', ')}]`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return number(v);
  if (typeof v === 'object') return '{}';
  // JSON's escapes are a subset of YAML's double-quoted ones
  return JSON.stringify(v);
}

/** PyYAML reads `1e-05` as a string: a float needs a dot before its exponent (`1.0e-05`). */
function number(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot write ${n} in a recipe`);
  const s = String(n);
  return /e/i.test(s) && !s.includes('.') ? s.replace(/e/i, '.0e') : s;
}

function scalarKey(k: string): string {
  return /^[A-Za-z_][\w.-]*$/.test(k) ? k : JSON.stringify(k);
}
