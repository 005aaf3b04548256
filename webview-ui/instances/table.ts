// The page of instances as a keyboard-navigable table (plain <table> with theme colours).
import type { InstanceView } from '../../src/protocol/instancesProtocol';
import { h } from './dom';
import { count, preview, usd } from './format';

export const COLUMNS = ['Slot', 'Status', 'Instruction', 'Response', 'Tokens in/out', 'Cost'];

export function tableRow(r: InstanceView, selected: boolean): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-slot': r.slot, tabindex: 0, class: selected ? 'selected' : undefined, 'aria-selected': selected ? 'true' : 'false' },
    h('td', { class: 'num' }, String(r.slot)),
    h('td', {}, h('span', { class: `status ${r.status}` }, r.status)),
    h('td', { class: 'text', title: preview(r.instruction, 600) }, preview(r.instruction)),
    h('td', { class: 'text', title: preview(r.response, 600) }, r.status === 'failed' && !r.response ? h('em', {}, r.reasons[0] ?? 'failed') : preview(r.response)),
    h('td', { class: 'num' }, `${count(r.inputTokens)} / ${count(r.outputTokens)}`),
    h('td', { class: 'num' }, usd(r.costUsd)),
  );
}
