// The selected instance in full: instruction, response, failure reasons, tokens and cost.
import type { InstanceView } from '../../src/protocol/instancesProtocol';
import { h } from './dom';
import { count, usd } from './format';

export function detailView(r: InstanceView): HTMLElement {
  return h(
    'section',
    { class: 'detail', 'aria-label': `Instance ${r.slot}` },
    h('h2', {}, `Slot ${r.slot} `, h('span', { class: `status ${r.status}` }, r.status)),
    h(
      'dl',
      { class: 'facts' },
      ...fact('Attempts', String(r.attempts)),
      ...fact('Tokens', `${count(r.inputTokens)} in / ${count(r.outputTokens)} out`),
      ...fact('Cost', usd(r.costUsd)),
      ...fact('Latency', `${count(r.latencyMs)} ms`),
      ...fact('Finished', r.finishedAt),
      ...fact('Id', r.id),
    ),
    r.reasons.length > 0 && h('h3', {}, r.status === 'failed' ? 'Failure reasons' : 'Rejected attempts'),
    r.reasons.length > 0 && h('ul', { class: 'reasons' }, ...r.reasons.map((x) => h('li', {}, x))),
    h('h3', {}, 'Instruction'),
    h('pre', { class: 'instruction' }, r.instruction),
    h('h3', {}, 'Response'),
    h('pre', { class: 'response' }, r.response || '(none)'),
  );
}

function fact(name: string, value: string): HTMLElement[] {
  return [h('dt', {}, name), h('dd', {}, value)];
}
