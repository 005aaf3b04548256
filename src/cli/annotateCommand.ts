// `agorabench annotate`: mark instances bad (with a reason), good, or clear; merge a teammate's
// annotations; undo the last batch. Everything goes to the dataset's annotations.jsonl.
import { BAD_REASONS, Results, annotate, datasetDirOf, mergeAnnotations, problemText, undoLast, type AnnotationLabel } from '../core';
import { EXIT, resultsDir, type Io } from './commands';

export interface AnnotateFlags {
  slot?: string;
  bad?: boolean;
  good?: boolean;
  clear?: boolean;
  reason?: string;
  note?: string;
  merge?: string;
  undo?: boolean;
  author?: string;
  results?: string;
  config?: string;
  json?: boolean;
}

const reasonList = () => BAD_REASONS.map((r) => `  ${r.id.padEnd(17)} ${r.label}`).join('\n');

/** The slots of `--slot 3,5,8-10`; a string saying what is wrong otherwise. */
export function parseSlots(s: string): number[] | string {
  const out: number[] = [];
  for (const part of s.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return `"${part}" is not a slot number (use --slot 3,5,8-10)`;
    const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (b < a) return `"${part}" is an empty range`;
    if (b - a > 100_000) return `"${part}" is too large a range`;
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out.length ? out : 'no slot given (use --slot N[,M…])';
}

export async function annotateCommand(id: string, flags: AnnotateFlags, io: Io): Promise<number> {
  const usage = (m: string) => {
    io.err.write(`error: ${m}\n`);
    return EXIT.usage;
  };
  const modes = (['bad', 'good', 'clear', 'merge', 'undo'] as const).filter((k) => flags[k] !== undefined && flags[k] !== false);
  if (modes.length !== 1) return usage(`give exactly one of --bad, --good, --clear, --merge FILE, --undo${modes.length ? ` (got ${modes.map((m) => `--${m}`).join(', ')})` : ''}`);
  const mode = modes[0] as (typeof modes)[number];
  const label: AnnotationLabel | undefined = mode === 'bad' || mode === 'good' || mode === 'clear' ? mode : undefined;
  if (label && flags.slot === undefined) return usage(`--${label} needs --slot N[,M…]`);
  if (!label && (flags.slot !== undefined || flags.reason !== undefined || flags.note !== undefined)) return usage(`--slot, --reason and --note go with --bad, --good or --clear, not --${mode}`);
  if (label === 'bad' && !flags.reason) return usage(`--bad needs --reason, one of:\n${reasonList()}`);
  if (label === 'bad' && !BAD_REASONS.some((r) => r.id === flags.reason)) return usage(`unknown reason "${flags.reason}"; valid reasons:\n${reasonList()}`);
  if (label && label !== 'bad' && flags.reason !== undefined) return usage(`--reason goes with --bad only`);

  const results = new Results(resultsDir(flags));
  const row = await results.findDataset(id);
  if (!row) {
    const ids = (await results.index.datasets()).map((d) => d.id);
    return usage(`no dataset "${id}" in ${results.dir}${ids.length ? `; known: ${ids.slice(0, 10).join(', ')}` : ''}`);
  }
  const dir = datasetDirOf(results, row);

  if (mode === 'merge') {
    const r = mergeAnnotations(dir, flags.merge as string, { datasetId: id });
    for (const p of r.problems) io.err.write(`warning: ${problemText(p)}\n`);
    if (flags.json) io.out.write(JSON.stringify({ added: r.added.length, duplicates: r.duplicates, problems: r.problems.map(problemText) }) + '\n');
    else io.out.write(`${id}: merged ${r.added.length} annotation line(s) from ${flags.merge}; ${r.duplicates} already present${r.problems.length ? `, ${r.problems.length} skipped` : ''}\n`);
    return EXIT.ok;
  }
  if (mode === 'undo') {
    const r = undoLast(dir, { author: flags.author });
    if (!r) {
      io.err.write(`nothing to undo in ${id}${flags.author ? ` by ${flags.author}` : ''}\n`);
      return EXIT.failed;
    }
    if (flags.json) io.out.write(JSON.stringify(r) + '\n');
    else io.out.write(`${id}: undid batch ${r.undone} (${r.written.map((a) => `#${a.slot ?? a.instance} → ${a.label}${a.reason ? ` (${a.reason})` : ''}`).join(', ')})\n`);
    return EXIT.ok;
  }

  const slots = parseSlots(flags.slot ?? '');
  if (typeof slots === 'string') return usage(slots);
  const written = await annotate(results, id, { slots, label: label as AnnotationLabel, reason: flags.reason, note: flags.note, author: flags.author });
  if (flags.json) {
    for (const a of written) io.out.write(JSON.stringify(a) + '\n');
    return EXIT.ok;
  }
  const what = label === 'bad' ? `marked bad (${flags.reason})` : label === 'good' ? 'marked good' : 'cleared';
  io.out.write(`${id}: ${written.length} instance(s) ${what}: slot(s) ${written.map((a) => a.slot).join(', ')} — by ${written[0]?.author ?? ''}, batch ${written[0]?.batch ?? ''}\n`);
  return EXIT.ok;
}
