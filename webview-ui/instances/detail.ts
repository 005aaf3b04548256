// The detail pane's content for one slot: facts, the texts rendered (or raw), validation reasons,
// every attempt with its raw output, demonstrations, the prompt as sent, metrics, and for
// evaluation stores the benchmark item's fields in place of instruction/response.
import type { AttemptView, DatasetView, DetailView, ExampleView } from '../../src/protocol/instancesProtocol';
import { h } from '../shared/dom';
import { int, metric, ms, usd } from './format';
import { markdownRenderer, renderRaw } from './renderer';
import { statusBadge } from './table';

export interface DetailOptions {
  dataset: DatasetView | undefined;
  raw: boolean;
}

const text = (s: string, raw: boolean): HTMLElement => {
  if (s === '') return h('p', { class: 'muted' }, '(empty)');
  const md = raw ? undefined : markdownRenderer();
  return md ? md.renderMarkdown(s) : renderRaw(s);
};

function section(title: string, ...body: Array<Node | string | undefined | false>): HTMLElement {
  return h('section', { class: 'detail-section' }, h('h3', {}, title), ...body);
}

function collapsible(summary: string, open: boolean, ...body: Array<Node | string | undefined | false>): HTMLDetailsElement {
  return h('details', { open }, h('summary', {}, summary), ...body);
}

function facts(pairs: Array<[string, string | Node | undefined]>): HTMLElement {
  const dl = h('dl', { class: 'facts' });
  for (const [k, v] of pairs) if (v !== undefined && v !== '') dl.append(h('dt', {}, k), h('dd', {}, v));
  return dl;
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v, null, 2));

/** Full detail for the pane. */
export function renderDetail(d: DetailView, o: DetailOptions): HTMLElement[] {
  const ds = o.dataset;
  const out: HTMLElement[] = [];
  out.push(
    h('header', { class: 'detail-head' }, h('h2', { id: 'detail-title' }, `Slot ${d.slot} `, statusBadge(d.status))),
    facts([
      ['Generator', ds ? `${ds.generator} (${ds.model})` : undefined],
      ['Setting', ds?.setting],
      ['Attempts', String(d.attempts.length || 1)],
      ['Tokens', `${int(d.inputTokens)} in / ${int(d.outputTokens)} out`],
      ['Cost', usd(d.costUsd)],
      ['Latency', ms(d.latencyMs)],
      ['Finished', d.finishedAt],
      ['Id', d.id],
    ]),
  );
  if (ds?.kind === 'evaluation') out.push(...benchmarkItem(d, o.raw));
  else out.push(...texts(d, o.raw));
  if (d.reasons.length) out.push(section('Validation', h('ul', { class: 'reasons' }, ...d.reasons.map((r) => h('li', {}, r)))));
  if (d.metrics.length) out.push(metrics(d));
  if (d.attempts.length) out.push(section(`Attempts (${d.attempts.length})`, ...d.attempts.map((a) => attempt(a, d.status === 'failed'))));
  if (d.demonstrations?.length)
    out.push(
      section(
        `Demonstrations (${d.demonstrations.length})`,
        ...d.demonstrations.map((x, i) => collapsible(`${i + 1}. ${x.source} #${x.ref}`, false, example(x, o.raw))),
      ),
    );
  if (d.prompt) {
    out.push(
      'unavailable' in d.prompt
        ? section('Prompt as sent', h('p', { class: 'muted' }, `Not available: ${d.prompt.unavailable}`))
        : section('Prompt as sent', collapsible('System', false, renderRaw(d.prompt.system)), collapsible('User', false, renderRaw(d.prompt.user))),
    );
  }
  const otherMeta = Object.entries(d.meta).filter(([k]) => !(ds?.kind === 'evaluation' && EVAL_KEYS.has(k)));
  if (otherMeta.length) out.push(collapsible('More', false, facts(otherMeta.map(([k, v]) => [k, str(v)]))));
  return out;
}

function texts(d: DetailView, raw: boolean): HTMLElement[] {
  if (d.status === 'failed' && !d.instruction && !d.response) {
    return [h('p', { class: 'notice', id: 'failed-notice' }, 'No valid output was kept for this slot: each attempt’s raw output is below.')];
  }
  if (d.original) {
    // quality enhancement: what was revised beside the revision
    return [
      h(
        'div',
        { class: 'side-by-side', id: 'qe-compare' },
        h('div', { class: 'side' }, h('h3', {}, 'Original'), example(d.original, raw)),
        h('div', { class: 'side' }, h('h3', {}, 'Revised'), example({ instruction: d.instruction, response: d.response }, raw)),
      ),
    ];
  }
  return [section('Instruction', text(d.instruction, raw)), section('Response', text(d.response, raw))];
}

function example(x: ExampleView, raw: boolean): HTMLElement {
  return h('div', { class: 'example' }, h('h4', {}, 'Instruction'), text(x.instruction, raw), h('h4', {}, 'Response'), text(x.response, raw));
}

const EVAL_KEYS = new Set(['prompt', 'extracted', 'reference', 'correct', 'verdict', 'reason', 'itemId', 'sample']);

function benchmarkItem(d: DetailView, raw: boolean): HTMLElement[] {
  const m = d.meta;
  const correct = typeof m.correct === 'boolean' ? m.correct : undefined;
  const verdict = correct === undefined ? str(m.verdict) : correct ? '✓ correct' : '✗ incorrect';
  return [
    h(
      'div',
      { class: 'benchmark', id: 'benchmark-item' },
      facts([
        ['Item', `${str(m.itemId)}${m.sample !== undefined ? ` (sample ${str(m.sample)})` : ''}`],
        ['Verdict', verdict ? h('strong', { class: `verdict ${correct === false ? 'bad' : correct ? 'good' : ''}` }, verdict + (correct !== undefined && m.verdict ? ` (${str(m.verdict)})` : '')) : undefined],
        ['Extracted answer', str(m.extracted)],
        ['Reference', str(m.reference)],
        ['Reason', str(m.reason)],
      ]),
    ),
    section('Prompt', text(typeof m.prompt === 'string' ? m.prompt : d.instruction, raw)),
    section('Output', text(d.response, raw)),
  ];
}

function metrics(d: DetailView): HTMLElement {
  return section(
    'Metrics',
    h(
      'dl',
      { class: 'facts metrics' },
      ...d.metrics.flatMap((m) => [
        h('dt', {}, m.key),
        h(
          'dd',
          {},
          h('span', { class: 'num' }, m.value === null ? 'missing' : metric(m.value)),
          ...Object.entries(m.detail).map(([k, v]) => h('div', { class: 'metric-detail' }, h('span', { class: 'muted' }, `${k}: `), str(v))),
        ),
      ]),
    ),
  );
}

function attempt(a: AttemptView, failed: boolean): HTMLElement {
  const line = [a.outcome, a.cached ? 'cached' : '', usd(a.costUsd), ms(a.latencyMs), a.at].filter(Boolean).join(' · ');
  return h(
    'div',
    { class: `attempt ${a.outcome}`, 'data-attempt': a.attempt },
    h('div', { class: 'attempt-head' }, h('strong', {}, `Attempt ${a.attempt}`), ' ', h('span', { class: 'muted' }, line)),
    a.reasons.length ? h('ul', { class: 'reasons' }, ...a.reasons.map((r) => h('li', {}, r))) : undefined,
    a.transport.length ? h('ul', { class: 'transport' }, ...a.transport.map((r) => h('li', {}, r))) : undefined,
    a.rawOutput
      ? collapsible('Raw output', failed, h('pre', { class: 'raw attempt-raw' }, a.rawOutput))
      : h('p', { class: 'muted' }, a.outcome === 'valid' ? 'Accepted: the output is the instance above.' : 'No answer received.'),
  );
}

/** The compact form in the compare view: status, texts and metric values. */
export function renderCompact(d: DetailView, raw: boolean): HTMLElement[] {
  return [
    h('div', { class: 'compact-head' }, statusBadge(d.status), ' ', h('span', { class: 'muted' }, `${d.attempts.length || 1} attempt(s) · ${usd(d.costUsd)}`)),
    ...texts(d, raw),
    ...(d.status === 'failed' ? d.attempts.map((a) => attempt(a, false)) : []),
    d.reasons.length ? h('ul', { class: 'reasons' }, ...d.reasons.map((r) => h('li', {}, r))) : h('span'),
    d.metrics.length ? metrics(d) : h('span'),
  ];
}
