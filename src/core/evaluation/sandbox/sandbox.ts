/**
 * Running untrusted Python (model-written code and its tests) with limits and isolation.
 * runPython: one program; SandboxPool: many, a few at once; sandboxCapabilities: what isolation
 * this machine gives. How: launcher.ts; what is and is not guaranteed: capabilities.ts warnings.
 */
export { runPython } from './run';
export { SandboxPool } from './pool';
export { sandboxCapabilities } from './capabilities';
export { SandboxUnavailableError } from './types';
export type { SandboxCapabilities, SandboxMode, SandboxOptions, SandboxResult, SandboxVerdict } from './types';
