import type { AttemptRecord, DatasetInfo, InstanceRecord } from '../../../src/core/store/datasetStore';
import type { DatasetRow } from '../../../src/core/store/indexStore';

export const INFO: DatasetInfo = { id: 'run1/gen-a/instance_generation.math', run: 'run1', generator: 'gen-a', setting: 'instance_generation.math', target: 100 };

export function instance(slot: number, over: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    slot,
    status: 'valid',
    instruction: `instruction ${slot}`,
    response: `response ${slot}\n[RESULT] ${slot} [/RESULT]`,
    rawOutput: `raw ${slot}`,
    reasons: [],
    attempts: 1,
    usage: { inputTokens: 100, outputTokens: 10 },
    costUsd: 0.001,
    latencyMs: 5,
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:00:01.000Z',
    contentHash: `hash${slot}`,
    meta: { demo: slot },
    ...over,
  };
}

export function attempt(slot: number, n: number, over: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    slot,
    attempt: n,
    outcome: 'valid',
    reasons: [],
    usage: { inputTokens: 100, outputTokens: 10 },
    costUsd: 0.001,
    latencyMs: 5,
    cached: false,
    via: 'sync',
    transport: [],
    at: '2025-01-01T00:00:01.000Z',
    ...over,
  };
}

export function datasetRow(id: string, over: Partial<DatasetRow> = {}): DatasetRow {
  return {
    id,
    run: 'run1',
    generator: 'gen',
    model: 'model',
    setting: 'instance_generation.math',
    status: 'running',
    target: 10,
    valid: 1,
    failed: 0,
    attempts: 1,
    inputTokens: 100,
    outputTokens: 10,
    costUsd: 0.5,
    dir: id,
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...over,
  };
}
