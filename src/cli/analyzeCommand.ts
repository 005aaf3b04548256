import * as fs from 'node:fs';
import * as path from 'node:path';
import { analysisCsv, analysisText, analyze, readTableCsv, type AnalysisReport } from '../core/analysis';
import { RUN_COLUMNS, runAnalysisTable } from '../core/analysis/fromRun';
import { loadConfig } from '../core';
import { AgoraError } from '../core/errors';
import { EXIT, list, reportError, type Io } from './commands';

/** Flags of `agorabench analyze --table <file.csv> --target <column>`, as commander hands them over. */
export interface AnalyzeTableFlags {
  table: string;
  target: string;
  /** Comma-separated feature columns; default every numeric column but the target. */
  features?: string;
  /** k, the number of top components the target is regressed on. */
  components?: string;
  /** Column with the generator's problem-solving score. */
  problemSolving?: string;
  json?: boolean;
  csv?: boolean;
}

/**
 * `agorabench analyze --table`: the paper's metric analysis (PCA, correlations, regression on
 * components, problem solving vs PGR) over a CSV of per-dataset metrics. Text by default, one JSON
 * line with --json, the metric table plus component scores with --csv (warnings then go to
 * stderr). A bad file, cell or column name exits 2 with the file, line and column.
 */
export async function analyzeTableCommand(flags: AnalyzeTableFlags, io: Io): Promise<number> {
  if (flags.json && flags.csv) return usage(io, '--json and --csv are exclusive: pick one output');
  let components: number | undefined;
  if (flags.components !== undefined) {
    components = Number(flags.components);
    if (!/^\d+$/.test(flags.components.trim()) || components < 1) return usage(io, `--components takes a positive integer, got "${flags.components}"`);
  }
  const file = path.resolve(flags.table);
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    return usage(io, `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let report: AnalysisReport;
  try {
    const table = readTableCsv(text, file);
    report = analyze(table, { target: flags.target, features: list(flags.features), components, problemSolving: flags.problemSolving });
  } catch (e) {
    if (e instanceof AgoraError) return reportError(e, io);
    throw e;
  }
  return printReport(report, flags, io);
}

function printReport(report: AnalysisReport, flags: { json?: boolean; csv?: boolean }, io: Io): number {
  if (flags.json || flags.csv) {
    for (const w of report.warnings) io.err.write(`warning: ${w}\n`);
    io.out.write(flags.json ? JSON.stringify(report) + '\n' : analysisCsv(report));
  } else {
    io.out.write(analysisText(report) + '\n');
  }
  return EXIT.ok;
}

function usage(io: Io, message: string): number {
  io.err.write(`error: ${message}\n`);
  return EXIT.usage;
}

/** `agorabench analyze`: a table file (--table), or a run's own metric table (a config). */
export async function analyzeCommand(configFile: string | undefined, flags: Partial<AnalyzeTableFlags>, io: Io): Promise<number> {
  if (flags.table) {
    if (!flags.target) return usage(io, '--table needs --target <column>');
    return analyzeTableCommand({ ...flags, table: flags.table, target: flags.target }, io);
  }
  if (!configFile) return usage(io, 'give a config (its run\'s metrics and PGR) or --table <file.csv> --target <column>');
  const notes: string[] = [];
  const table = await runAnalysisTable(loadConfig(configFile), notes);
  const target = flags.target ?? RUN_COLUMNS.pgr;
  for (const n of notes) io.err.write(`note: ${n}\n`);
  return printReport(analyze(table, { target, features: list(flags.features), components: flags.components ? Number(flags.components) : undefined, problemSolving: flags.problemSolving ?? RUN_COLUMNS.problemSolving }), flags, io);
}
