/** The three AgoraBench data-generation methods. */
export const METHODS = ['instance_generation', 'response_generation', 'quality_enhancement'] as const;
export type Method = (typeof METHODS)[number];

/** The three AgoraBench domains. */
export const DOMAINS = ['math', 'code', 'instruction_following'] as const;
export type Domain = (typeof DOMAINS)[number];

/** A setting is one method applied in one domain, written `method.domain`. */
export type SettingKey = `${Method}.${Domain}`;

export function settingKey(method: Method, domain: Domain): SettingKey {
  return `${method}.${domain}`;
}

export function parseSettingKey(key: string): { method: Method; domain: Domain } | undefined {
  const [m, d] = key.split('.');
  if ((METHODS as readonly string[]).includes(m ?? '') && (DOMAINS as readonly string[]).includes(d ?? '')) {
    return { method: m as Method, domain: d as Domain };
  }
  return undefined;
}

/** One example from a seed set or from generation: an instruction and (maybe) its response. */
export interface Example {
  instruction: string;
  response: string;
}

/** Token usage as reported by a provider. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export const ZERO_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0 });

export function addUsage(a: Usage, b: Usage): Usage {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
}
