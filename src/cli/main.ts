import { Command } from 'commander';
import { analyzeCommand } from './analyzeCommand';
import { annotateCommand } from './annotateCommand';
import { metricsCommand } from './metricsCommand';
import { exportCommand, pgrCommand, registerCommand, trainCommand } from './trainingCommands';
import { EXIT, estimateCommand, evalCommand, gradeCommand, listCommand, repairCommand, reportError, runCommand, showCommand, type Io } from './commands';

const io: Io = { out: process.stdout, err: process.stderr };

/** `agorabench` — the command line over the same engine as the VS Code extension. */
function program(): Command {
  const p = new Command('agorabench').description('Evaluate language models as synthetic data generators (AgoraBench).').showHelpAfterError();
  p.command('run')
    .description('generate every dataset of a config (resumes a run of the same name)')
    .argument('<config>', 'a *.agorabench.json file')
    .option('--generators <ids>', 'only these generators (comma-separated ids)')
    .option('--settings <keys>', 'only these settings (comma-separated method.domain)')
    .option('--retry-failed', 'give slots that failed every attempt another round')
    .option('--json', 'print the run summary as JSON')
    .action(async (config: string, flags) => exit(await runCommand(config, flags, io)));
  p.command('estimate')
    .description('estimate requests, tokens and cost of a config before running it')
    .argument('<config>', 'a *.agorabench.json file')
    .option('--generators <ids>', 'only these generators')
    .option('--settings <keys>', 'only these settings')
    .option('--json', 'print JSON')
    .action(async (config: string, flags) => exit(await estimateCommand(config, flags, io)));
  p.command('list')
    .description('list runs and datasets')
    .option('--config <file>', 'use the results directory of this config')
    .option('--results <dir>', 'results directory (default ./.agorabench)')
    .option('--json', 'print JSON')
    .action(async (opts) => exit(await listCommand(opts, io)));
  p.command('show')
    .description("show a dataset's instances")
    .argument('<dataset>', 'dataset id (see `agorabench list`)')
    .option('--config <file>', 'use the results directory of this config')
    .option('--results <dir>', 'results directory (default ./.agorabench)')
    .option('--failed', 'only slots that failed every attempt')
    .option('--limit <n>', 'rows to show', '20')
    .option('--after <slot>', 'start after this slot (paging)')
    .option('--json', 'print one JSON object per instance')
    .action(async (id: string, opts) => exit(await showCommand(id, opts, io)));
  p.command('eval')
    .description('evaluate the configured models on the benchmarks (resumes an evaluation of the same run name)')
    .argument('<config>', 'a *.agorabench.json file with "evaluations"')
    .option('--models <ids>', 'only these models (comma-separated ids)')
    .option('--benchmarks <names>', 'only these benchmarks: gsm8k, math, math-full, humaneval, mbpp, alpaca-eval, arena-hard')
    .option('--retry-failed', 'give items that got no answer or verdict another round')
    .option('--json', 'print the summary with the scores as JSON')
    .action(async (config: string, flags) => exit(await evalCommand(config, flags, io)));
  p.command('grade')
    .description('grade outputs produced elsewhere with the same graders (one {"id"?, "question"?, "output"} per line)')
    .argument('<benchmark>', 'gsm8k, math, math-full, humaneval, mbpp, alpaca-eval or arena-hard')
    .argument('<outputs>', 'a JSONL file')
    .option('--json', 'one JSON line per item, then a summary line')
    .option('--data-dir <dir>', 'offline directory with the benchmark files (else AGORABENCH_DATA_DIR, the cache or a download)')
    .option('--workers <n>', 'sandbox workers for code (default 2)')
    .option('--allow-network', 'run code even where the sandbox cannot cut the network')
    .action(async (benchmark: string, outputs: string, flags) => exit(await gradeCommand(benchmark, outputs, flags, io)));
  p.command('export')
    .description('write datasets as training data (valid instances only) with a manifest of their content hashes')
    .argument('<datasets...>', 'dataset ids (see `agorabench list`), concatenated in this order')
    .requiredOption('--out <file>', 'the JSONL file to write (the manifest goes beside it)')
    .option('--format <format>', 'chat ({"messages"}), alpaca ({"instruction","input","output"}), llama3 ({"prompt","completion"} in the Llama-3 chat template) or jsonl ({"instruction","response"})', 'chat')
    .option('--exclude <what>', 'also leave out (comma-separated): bad (annotated bad, see `agorabench annotate`), near-duplicates (flagged by `agorabench metrics`, the first of each group kept), failed (always left out)')
    .option('--system <text>', 'system prompt of chat/llama3 lines (default: the paper\'s "You are a helpful AI assistant.")')
    .option('--force', 'replace an existing file with other content')
    .option('--config <file>', 'use the results directory of this config')
    .option('--results <dir>', 'results directory (default ./.agorabench)')
    .option('--json', 'print the manifest (without the instance list) as JSON')
    .action(async (ids: string[], flags) => exit(await exportCommand(ids, flags, io)));
  p.command('annotate')
    .description("mark a dataset's instances bad (with a reason), good, or clear; merge a teammate's annotations; undo (kept in the dataset's annotations.jsonl)")
    .argument('<dataset>', 'dataset id (see `agorabench list`)')
    .option('--slot <slots>', 'slots to annotate: N[,M…] or ranges N-M (see `agorabench show`)')
    .option('--bad', 'mark bad (needs --reason)')
    .option('--good', 'mark good')
    .option('--clear', 'take back the annotation')
    .option('--reason <reason>', 'why bad: incorrect-answer, ill-posed, hallucination, formatting, near-duplicate, unsafe, off-topic, other')
    .option('--note <text>', 'a free note')
    .option('--merge <file>', "append a teammate's annotations.jsonl (lines already present are skipped; the latest by time wins)")
    .option('--undo', 'take back your last annotation batch')
    .option('--author <name>', 'who annotates (default: git config user.name, else the OS user)')
    .option('--config <file>', 'use the results directory of this config')
    .option('--results <dir>', 'results directory (default ./.agorabench)')
    .option('--json', 'print the lines written as JSON')
    .action(async (id: string, flags) => exit(await annotateCommand(id, flags, io)));
  p.command('train')
    .description('train one student per generated dataset where the config\'s "training.launcher" says, and follow the trainings (resumable)')
    .argument('<config>', 'a *.agorabench.json file with "training"')
    .option('--generators <ids>', 'only the datasets of these generators')
    .option('--settings <keys>', 'only these settings')
    .option('--cancel', 'cancel the trainings still running')
    .option('--recipe <framework>', 'instead of launching: write ready-to-run recipe files per student (llama-recipes: the paper\'s setup; axolotl)')
    .option('--gpus <n>', 'GPUs per training in the recipe files (default 4, as the paper)')
    .option('--json', 'print the students as JSON')
    .action(async (config: string, flags) => exit(await trainCommand(config, flags, io)));
  p.command('register')
    .description('record a student trained elsewhere on one dataset of the run: its model name and OpenAI-compatible endpoint')
    .argument('<config>', 'the config of the run')
    .argument('<generator>', 'the generator id of the dataset')
    .argument('<setting>', 'the setting of the dataset (method.domain)')
    .requiredOption('--model <name>', 'the student\'s model name at its endpoint')
    .requiredOption('--endpoint <url>', 'OpenAI-compatible base URL, e.g. http://gpu1:8000/v1')
    .action(async (config: string, generator: string, setting: string, flags) => exit(await registerCommand(config, generator, setting, flags, io)));
  p.command('pgr')
    .description('Performance Gap Recovered: generators × settings with 95 % bootstrap intervals (from a run\'s evaluations, or a CSV of scores)')
    .argument('[config]', 'the config whose run was evaluated')
    .option('--scores <file.csv>', 'scores computed elsewhere: role,generator,setting,benchmark,score[,n,stderr]')
    .option('--reference', 'add the paper\'s Table 2 below the grid')
    .option('--compare <a,b>', 'compare two generators on one --setting: the difference and P(a > b)')
    .option('--setting <key>', 'the setting for --compare')
    .option('--rounds <n>', 'bootstrap rounds (default 1000)')
    .option('--seed <n>', 'bootstrap seed')
    .option('--json', 'print the report as JSON')
    .action(async (config: string | undefined, flags) => exit(await pgrCommand(config, flags, io)));
  p.command('metrics')
    .description('intrinsic metrics of the run\'s datasets: lexical (no API), judges, reward model, perplexity, embeddings (resumable)')
    .argument('<config>', 'the config whose run generated the datasets')
    .option('--generators <ids>', 'only the datasets of these generators')
    .option('--settings <keys>', 'only these settings')
    .option('--retry-failed', 'give instances without a verdict another round')
    .option('--json', 'print the summary with every dataset figure as JSON')
    .action(async (config: string, flags) => exit(await metricsCommand(config, flags, io)));
  p.command('analyze')
    .description("the paper's analysis of intrinsic metrics vs PGR: PCA, correlations with p-values, regression on components, problem solving vs PGR")
    .argument('[config]', "the config whose run has metrics and PGR (or use --table)")
    .option('--table <file.csv>', 'a table of your own: an id column (or generator,setting) and numeric columns')
    .option('--target <column>', 'what the metrics should explain (default for a run: pgr)')
    .option('--features <columns>', 'the metric columns to use (default: every numeric column but the target)')
    .option('--components <k>', 'regress the target on the top k components (default 3)')
    .option('--problem-solving <column>', "the column with the generator's own problem-solving score")
    .option('--json', 'print the report as one JSON line')
    .option('--csv', 'print the metric table with the component scores as CSV')
    .action(async (config: string | undefined, flags) => exit(await analyzeCommand(config, flags, io)));
  p.command('repair')
    .description("set a dataset journal's unreadable lines aside, keeping every readable one")
    .argument('<dataset>', 'dataset id (named in the error that asks for a repair)')
    .option('--config <file>', 'use the results directory of this config')
    .option('--results <dir>', 'results directory (default ./.agorabench)')
    .action(async (id: string, opts) => exit(await repairCommand(id, opts, io)));
  return p;
}

function exit(code: number): void {
  process.exitCode = code;
}

program()
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    process.exitCode = reportError(e, io);
  })
  .finally(() => {
    if (process.exitCode === undefined) process.exitCode = EXIT.ok;
  });
