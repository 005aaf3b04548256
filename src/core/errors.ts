/** Base of every error the engine raises on purpose; `where` says which file/field/line it concerns. */
export class AgoraError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly where?: string,
  ) {
    super(where ? `${where}: ${message}` : message);
    this.name = 'AgoraError';
  }
}

/** A config file that does not satisfy the schema or a semantic rule. */
export class ConfigError extends AgoraError {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(problems.map((p) => `${file}:${p.line}:${p.column} ${p.pointer || '/'}: ${p.message}`).join('\n'), 'config');
    this.name = 'ConfigError';
  }
}

/** One located problem in a config file. */
export interface ConfigProblem {
  /** JSON pointer of the offending value, '' for the root. */
  pointer: string;
  message: string;
  /** 1-based line and column of the value in the file. */
  line: number;
  column: number;
  /** Set where an editor offers a fix for the problem (see config/checks.ts). */
  code?: string;
}

/** An API key is missing: names the environment variable and the extension command that sets it. */
export class MissingKeyError extends AgoraError {
  constructor(
    readonly envVar: string,
    readonly generator: string,
  ) {
    super(
      `no API key for generator "${generator}": set the environment variable ${envVar}, ` +
        `or run "AgoraBench: Set API Key" in VS Code`,
      'missing-key',
    );
    this.name = 'MissingKeyError';
  }
}

/** Bad seed or benchmark data, located by file and line. */
export class DataError extends AgoraError {
  constructor(message: string, where: string) {
    super(message, 'data', where);
    this.name = 'DataError';
  }
}

/** A results store that cannot be used as it is (unwritable folder, damaged journal); says what to do. */
export class StoreError extends AgoraError {
  constructor(message: string, where: string) {
    super(message, 'store', where);
    this.name = 'StoreError';
  }
}

/** Raised when a run is cancelled through its AbortSignal. */
export class CancelledError extends AgoraError {
  constructor() {
    super('cancelled', 'cancelled');
    this.name = 'CancelledError';
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
