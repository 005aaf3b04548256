/** Public entry point of the fake model server used by tests and benchmarks. */
export { startFakeServer, type FakeServer } from './server';
export { FAULT_KINDS, type FakeServerOptions, type FakeServerStats, type FaultKind } from './options';
