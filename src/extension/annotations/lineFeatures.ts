// What a dataset line shows in the editor: a hover (every metric, validation reasons, usage and
// cost, demonstrations, the annotation), inlay hints at the line's end (compact metrics, "Mark
// bad", "Show in browser"; asked for the visible range only, so a 100K-line document costs what
// its screen costs), line decorations, and the Problems panel (bad samples, lines that are not
// JSON) with quick fixes.
import * as vscode from 'vscode';
import { metricLabel, type Annotation } from '../../core';
import type { QueryView, RowView } from '../../protocol/instancesProtocol';
import { formatUsd } from '../run/progressReporter';
import type { DatasetDocs, DocModel, ResolvedLine } from './datasetDocs';
import { annotationAt, badMessage, compactMetrics, decorationLines, formatNumber, instanceIdOf, reasonLabel, type DecorationKind, type LineTarget } from './lineModel';

export const DIAGNOSTIC_SOURCE = 'AgoraBench';
export const NOT_JSON_CODE = 'not-json';

const PLAIN_QUERY: QueryView = { filter: { status: 'all', metrics: [] }, sort: { column: 'slot', dir: 'asc' } };
const ROWS_PER_REQUEST = 500;

/** Command arguments for one instance. */
export function slotArgs(t: ResolvedLine): { resultsDir: string; datasetId: string; slots: number[] } {
  return { resultsDir: t.dataset.resultsDir, datasetId: t.dataset.datasetId, slots: [t.slot] };
}

export function annotationOf(doc: DocModel, t: LineTarget): { annotation: Annotation; stale: boolean } | undefined {
  return annotationAt(
    t,
    doc.datasets.map((d) => d.datasetId),
    doc.datasets.map((d) => d.latest),
  );
}

function annotationText(a: { annotation: Annotation; stale: boolean }): string {
  const x = a.annotation;
  const what = x.label === 'bad' ? `bad — ${reasonLabel(x.reason)}` : x.label;
  return `${what}${x.note ? ` — “${x.note}”` : ''} · ${x.author} · ${x.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z')} · ${a.stale ? 'stale (the instance changed since)' : 'current'}`;
}

const esc = (s: string) => s.replace(/[\\`*_[\]|<>]/g, '\\$&');

export class HoverProvider implements vscode.HoverProvider {
  constructor(private readonly docs: DatasetDocs) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const doc = this.docs.get(document.uri);
    const t = this.docs.resolve(document.uri, position.line);
    if (!doc || !t) return undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: ['agorabench.openInstances', 'agorabench.markBad', 'agorabench.markGood', 'agorabench.clearAnnotation'] };
    md.appendMarkdown(`**AgoraBench** · \`${t.dataset.datasetId}\` · slot ${t.slot} · ${t.status}\n\n`);
    const ann = annotationOf(doc, t);
    md.appendMarkdown(`**Annotation:** ${ann ? esc(annotationText(ann)) : 'none'}\n\n`);
    let detail;
    try {
      detail = await t.dataset.source.detail(t.slot);
    } catch (e) {
      md.appendMarkdown(`_details unavailable: ${esc(e instanceof Error ? e.message : String(e))}_\n\n`);
    }
    if (detail) {
      if (detail.metrics.length) {
        md.appendMarkdown('| metric | value |\n| --- | --- |\n');
        for (const m of detail.metrics) {
          const why = m.value === null && typeof m.detail.reason === 'string' ? ` (${m.detail.reason})` : '';
          md.appendMarkdown(`| ${esc(m.key)} | ${m.value === null ? `—${esc(why)}` : formatNumber(m.value)} |\n`);
        }
        md.appendMarkdown('\n');
      } else md.appendMarkdown('_No metrics computed yet (AgoraBench: Compute Metrics)._\n\n');
      if (detail.reasons.length) {
        md.appendMarkdown('**Validation:**\n');
        for (const r of detail.reasons) md.appendMarkdown(`- ${esc(r)}\n`);
        md.appendMarkdown('\n');
      } else md.appendMarkdown('**Validation:** passed\n\n');
      md.appendMarkdown(
        `**Usage:** ${detail.inputTokens} input + ${detail.outputTokens} output tokens · **cost** ${formatUsd(detail.costUsd)} (${detail.costUsd} USD) · ${detail.attempts.length} attempt(s) · ${detail.latencyMs} ms\n\n`,
      );
      if (detail.demonstrations?.length) {
        md.appendMarkdown(`**Demonstrations** (${detail.demonstrations.length}):\n`);
        for (const d of detail.demonstrations) md.appendMarkdown(`- ${d.source} #${d.ref}: ${esc(d.instruction.replace(/\s+/g, ' ').slice(0, 80))}\n`);
        md.appendMarkdown('\n');
      }
    }
    const args = encodeURIComponent(JSON.stringify([{ resultsDir: t.dataset.resultsDir, datasetId: t.dataset.datasetId, reveal: t.slot }]));
    md.appendMarkdown(`[Show in Instances browser](command:agorabench.openInstances?${args})`);
    return new vscode.Hover(md, document.lineAt(position.line).range);
  }
}

export class InlayHints implements vscode.InlayHintsProvider {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.emitter.event;

  constructor(private readonly docs: DatasetDocs) {}

  refresh(): void {
    this.emitter.fire();
  }

  async provideInlayHints(document: vscode.TextDocument, range: vscode.Range, token: vscode.CancellationToken): Promise<vscode.InlayHint[]> {
    const doc = this.docs.get(document.uri);
    if (!doc) return [];
    const last = Math.min(range.end.line, document.lineCount - 1);
    const lines: ResolvedLine[] = [];
    for (let l = range.start.line; l <= last; l++) {
      const t = this.docs.resolve(document.uri, l);
      if (t) lines.push(t);
    }
    const rows = await this.rowsOf(doc, lines);
    if (token.isCancellationRequested) return [];
    return lines.map((t) => {
      const parts: vscode.InlayHintLabelPart[] = [];
      const row = rows.get(`${t.ref}:${t.slot}`);
      const metrics = row ? compactMetrics(row.metrics) : '';
      if (metrics) {
        const p = new vscode.InlayHintLabelPart(metrics);
        p.tooltip = Object.entries(row?.metrics ?? {})
          .map(([k, v]) => `${metricLabel(k)}: ${v === null ? '—' : formatNumber(v)}`)
          .join('\n');
        parts.push(p, new vscode.InlayHintLabelPart(' · '));
      }
      const ann = annotationOf(doc, t);
      if (ann) {
        const p = new vscode.InlayHintLabelPart(`${ann.annotation.label}${ann.annotation.reason ? `: ${ann.annotation.reason}` : ''}${ann.stale ? ' (stale)' : ''}`);
        p.tooltip = annotationText(ann);
        parts.push(p, new vscode.InlayHintLabelPart(' · '));
      }
      if (t.status === 'valid') {
        const bad = new vscode.InlayHintLabelPart('Mark bad');
        bad.command = { title: 'Mark bad', command: 'agorabench.markBad', arguments: [slotArgs(t)] };
        parts.push(bad, new vscode.InlayHintLabelPart(' · '));
      }
      const show = new vscode.InlayHintLabelPart('Show in browser');
      show.command = { title: 'Show in browser', command: 'agorabench.openInstances', arguments: [{ resultsDir: t.dataset.resultsDir, datasetId: t.dataset.datasetId, reveal: t.slot }] };
      parts.push(show);
      const hint = new vscode.InlayHint(document.lineAt(t.line).range.end, parts);
      hint.paddingLeft = true;
      return hint;
    });
  }

  /** The browser's rows (metric values) of these lines, by `ref:slot`; empty when the worker cannot answer. */
  private async rowsOf(doc: DocModel, lines: ResolvedLine[]): Promise<Map<string, RowView>> {
    const out = new Map<string, RowView>();
    if (!lines.length) return out;
    try {
      if (doc.kind === 'dataset') {
        const first = lines[0] as ResolvedLine;
        const lastLine = (lines[lines.length - 1] as ResolvedLine).line;
        for (let offset = first.line; offset <= lastLine; offset += ROWS_PER_REQUEST) {
          const res = await first.dataset.source.rows(PLAIN_QUERY, offset, Math.min(ROWS_PER_REQUEST, lastLine - offset + 1));
          for (const r of res.rows) out.set(`0:${r.slot}`, r);
        }
      } else {
        const byRef = new Map<number, ResolvedLine[]>();
        for (const t of lines) byRef.set(t.ref, [...(byRef.get(t.ref) ?? []), t]);
        for (const [ref, ts] of byRef) {
          const slots = [...new Set(ts.map((t) => t.slot))];
          const source = (ts[0] as ResolvedLine).dataset.source;
          for (let i = 0; i < slots.length; i += ROWS_PER_REQUEST) {
            const chunk = slots.slice(i, i + ROWS_PER_REQUEST);
            const res = await source.rows({ ...PLAIN_QUERY, filter: { ...PLAIN_QUERY.filter, slots: chunk } }, 0, chunk.length);
            for (const r of res.rows) out.set(`${ref}:${r.slot}`, r);
          }
        }
      }
    } catch {
      // no metrics shown; the commands still are
    }
    return out;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

const border = (color: string, style = 'solid'): vscode.DecorationRenderOptions => ({
  isWholeLine: true,
  borderWidth: '0 0 0 3px',
  borderStyle: style,
  borderColor: new vscode.ThemeColor(color),
  overviewRulerColor: new vscode.ThemeColor(color),
  overviewRulerLane: vscode.OverviewRulerLane.Left,
});

/** Line decorations of failed, bad, good and stale lines and of what the metrics flag, on every visible editor of a dataset document. */
export class Decorations implements vscode.Disposable {
  private readonly types: Record<DecorationKind, vscode.TextEditorDecorationType> = {
    failed: vscode.window.createTextEditorDecorationType({ ...border('editorWarning.foreground'), opacity: '0.75' }),
    bad: vscode.window.createTextEditorDecorationType({ ...border('editorError.foreground'), backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground') }),
    good: vscode.window.createTextEditorDecorationType(border('testing.iconPassed')),
    stale: vscode.window.createTextEditorDecorationType({ ...border('editorInfo.foreground', 'dashed'), overviewRulerLane: vscode.OverviewRulerLane.Center }),
    // what the metrics flag, as a mark after the line (it combines with the left border of an annotation)
    lowScore: vscode.window.createTextEditorDecorationType({ after: { contentText: ' ▼ low judge score', color: new vscode.ThemeColor('editorWarning.foreground'), margin: '0 0 0 1em' }, overviewRulerColor: new vscode.ThemeColor('editorWarning.foreground'), overviewRulerLane: vscode.OverviewRulerLane.Right }),
    nearDuplicate: vscode.window.createTextEditorDecorationType({ after: { contentText: ' ≈ near-duplicate', color: new vscode.ThemeColor('editorInfo.foreground'), margin: '0 0 0 1em' }, overviewRulerColor: new vscode.ThemeColor('editorInfo.foreground'), overviewRulerLane: vscode.OverviewRulerLane.Right }),
  };

  constructor(private readonly docs: DatasetDocs) {}

  refresh(): void {
    for (const editor of vscode.window.visibleTextEditors) this.apply(editor);
  }

  apply(editor: vscode.TextEditor): void {
    const doc = this.docs.get(editor.document.uri);
    const lines = doc
      ? decorationLines(
          doc.map,
          doc.datasets.map((d) => d.datasetId),
          doc.datasets.map((d) => d.latest),
          doc.datasets.map((d) => d.flags),
        )
      : { failed: [], bad: [], good: [], stale: [], lowScore: [], nearDuplicate: [] };
    const max = editor.document.lineCount;
    for (const kind of Object.keys(this.types) as DecorationKind[]) {
      editor.setDecorations(
        this.types[kind],
        lines[kind].filter((l) => l < max).map((l) => new vscode.Range(l, 0, l, 0)),
      );
    }
  }

  dispose(): void {
    for (const t of Object.values(this.types)) t.dispose();
  }
}

/** Bad samples (Warning, with their reason) and lines that are not JSON (Error) in the Problems panel. */
export class AnnotationDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('agorabench-annotations');

  constructor(private readonly docs: DatasetDocs) {}

  refreshAll(): void {
    const live = new Set(this.docs.allDocs().map((d) => d.uri));
    this.collection.forEach((uri) => {
      if (!live.has(uri.toString())) this.collection.delete(uri);
    });
    for (const d of this.docs.allDocs()) this.refresh(d);
  }

  refresh(doc: DocModel): void {
    const uri = vscode.Uri.parse(doc.uri);
    const text = vscode.workspace.textDocuments.find((d) => d.uri.toString() === doc.uri);
    const rangeOf = (line: number) => (text && line < text.lineCount ? text.lineAt(line).range : new vscode.Range(line, 0, line, 0));
    const out: vscode.Diagnostic[] = [];
    doc.datasets.forEach((dataset, ref) => {
      for (const a of dataset.latest.values()) {
        if (a.label !== 'bad') continue;
        const slot = Number(a.instance.slice(a.instance.lastIndexOf('/') + 1));
        if (a.instance !== instanceIdOf(dataset.datasetId, slot)) continue;
        for (const line of doc.map.linesOf(ref, slot)) {
          const t = doc.map.at(line);
          const d = new vscode.Diagnostic(rangeOf(line), badMessage(a, !!t && t.hash !== a.hash), vscode.DiagnosticSeverity.Warning);
          d.source = DIAGNOSTIC_SOURCE;
          d.code = a.reason ?? 'bad';
          out.push(d);
        }
      }
    });
    for (const m of doc.malformed) {
      const d = new vscode.Diagnostic(rangeOf(m.index), m.message, vscode.DiagnosticSeverity.Error);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = NOT_JSON_CODE;
      out.push(d);
    }
    out.sort((a, b) => a.range.start.line - b.range.start.line);
    this.collection.set(uri, out);
  }

  dispose(): void {
    this.collection.dispose();
  }
}

/** Quick fixes of a bad sample's diagnostic: clear it, change its reason, show it in the browser. */
export class AnnotationCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly docs: DatasetDocs) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE || d.code === NOT_JSON_CODE) continue;
      const t = this.docs.resolve(document.uri, d.range.start.line);
      if (!t) continue;
      const action = (title: string, command: string, arg: unknown) => {
        const a = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.command = { title, command, arguments: [arg] };
        out.push(a);
      };
      action('Clear annotation', 'agorabench.clearAnnotation', slotArgs(t));
      action('Change reason…', 'agorabench.markBad', slotArgs(t));
      action('Show in Instances browser', 'agorabench.openInstances', { resultsDir: t.dataset.resultsDir, datasetId: t.dataset.datasetId, reveal: t.slot });
    }
    return out;
  }
}
