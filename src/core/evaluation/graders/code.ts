/**
 * HumanEval and MBPP grading, the part before the sandbox: the items, the code of a model output
 * and the test program that runs it. A sample passes when that program exits 0 in the sandbox.
 */

export type CodeBenchmark = 'humaneval' | 'mbpp';

/** One code problem: what the model is shown and what its code is tested with. */
export interface CodeItem {
  id: string;
  /** HumanEval: signature + docstring to complete; MBPP (EvalPlus): signature + docstring too. */
  prompt: string;
  /** The function the tests call. */
  entryPoint: string;
  /** HumanEval: the `check(candidate)` source; MBPP: assert lines. */
  tests: string;
  /** Import lines put before the code (the prompt's own, MBPP's `imports`). */
  imports?: string;
}

export function humanEvalItem(row: { task_id: string; prompt: string; entry_point: string; test: string; canonical_solution?: string }): CodeItem {
  const imports = importLines(row.prompt);
  return { id: row.task_id, prompt: row.prompt, entryPoint: row.entry_point, tests: row.test, ...(imports ? { imports } : {}) };
}

export function mbppItem(row: { task_id: string; prompt: string; entry_point: string; test_list: string; imports?: string; code?: string }): CodeItem {
  const imports = uniqueLines([row.imports ?? '', importLines(row.prompt)].join('\n'));
  return { id: row.task_id, prompt: row.prompt, entryPoint: row.entry_point, tests: row.test_list, ...(imports ? { imports } : {}) };
}

/**
 * The Python code of a model output: the last fenced python block that defines the entry point
 * (a model that revises itself ends with its final version), else the first python block, else
 * the raw text. A completion of only the function body is put under the prompt; code that
 * defines the entry point but not the helpers the prompt defines gets the prompt before it (its
 * docstring-only stub is then replaced by the model's function). `if __name__ == "__main__":`
 * blocks are dropped: they would run (and may wait for input) under the tests.
 */
export function extractCode(output: string, item: CodeItem, _benchmark: CodeBenchmark): string {
  const blocks = fencedBlocks(output).filter((b) => /^(?:py|python3?|)$/i.test(b.lang));
  let code: string;
  if (blocks.length > 0) {
    const defining = blocks.filter((b) => defines(b.body, item.entryPoint));
    code = (defining[defining.length - 1] ?? blocks[0])?.body ?? '';
  } else {
    code = output;
    // prose before the code of an unfenced answer ("Here is the function:")
    const start = /^(?:from\s+\S+\s+import\s|import\s|def\s|async\s+def\s|class\s|@)/m.exec(code);
    if (start && defines(code, item.entryPoint)) code = code.slice(start.index);
  }
  code = dropMainBlock(code);
  if (!defines(code, item.entryPoint) && defines(item.prompt, item.entryPoint)) return joinCode(item.prompt, indentBody(code));
  const helpers = topLevelFunctions(item.prompt).filter((name) => name !== item.entryPoint && !defines(code, name));
  return helpers.length > 0 ? joinCode(item.prompt, code) : code;
}

/** The program the sandbox runs: imports, the code, the tests, and for HumanEval `check(<entry point>)`. */
export function testProgram(item: CodeItem, code: string, benchmark: CodeBenchmark): string {
  const parts = [item.imports ?? '', code, item.tests];
  if (benchmark === 'humaneval') parts.push(`check(${item.entryPoint})`);
  return `${parts.filter((p) => p.trim() !== '').map((p) => p.replace(/\s+$/, '')).join('\n\n\n')}\n`;
}

interface Fenced {
  lang: string;
  body: string;
}

/** ``` blocks with their language tag; an unclosed last block (an output cut off) runs to the end. */
function fencedBlocks(text: string): Fenced[] {
  const blocks: Fenced[] = [];
  const lines = text.split(/\r?\n/);
  let open: { lang: string; fence: string; body: string[] } | undefined;
  for (const line of lines) {
    const fence = /^\s*(`{3,}|~{3,})\s*([\w+.-]*)/.exec(line);
    if (open === undefined) {
      if (fence?.[1] !== undefined) open = { lang: fence[2] ?? '', fence: fence[1], body: [] };
    } else if (fence?.[1] !== undefined && fence[1].startsWith(open.fence) && (fence[2] ?? '') === '' && line.trim() === fence[1]) {
      blocks.push({ lang: open.lang, body: open.body.join('\n') });
      open = undefined;
    } else {
      open.body.push(line);
    }
  }
  if (open !== undefined) blocks.push({ lang: open.lang, body: open.body.join('\n') });
  return blocks;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function defines(code: string, name: string): boolean {
  return new RegExp(`^[ \\t]*(?:async[ \\t]+)?def[ \\t]+${escapeRegExp(name)}[ \\t]*\\(`, 'm').test(code);
}

function topLevelFunctions(code: string): string[] {
  return [...code.matchAll(/^(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\(/gm)].map((m) => m[1] ?? '');
}

/** A body written without indentation is indented under the prompt's signature. */
function indentBody(body: string): string {
  const lines = body.replace(/^\s*\n/, '').split('\n');
  const indented = lines.some((l) => /^[ \t]+\S/.test(l));
  return indented ? lines.join('\n') : lines.map((l) => (l.trim() ? `    ${l}` : l)).join('\n');
}

function dropMainBlock(code: string): string {
  const lines = code.split('\n');
  const at = lines.findIndex((l) => /^if\s+__name__\s*==\s*(['"])__main__\1\s*:/.test(l));
  if (at < 0) return code;
  let end = at + 1;
  while (end < lines.length && (/^\s/.test(lines[end] ?? '') || (lines[end] ?? '').trim() === '')) end++;
  return [...lines.slice(0, at), ...lines.slice(end)].join('\n');
}

function joinCode(prompt: string, code: string): string {
  return prompt.endsWith('\n') ? prompt + code : `${prompt}\n${code}`;
}

/** Top-level import statements of a source (parenthesised continuations included). */
function importLines(source: string): string {
  const out: string[] = [];
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!/^(?:import\s|from\s+\S+\s+import\s)/.test(line)) continue;
    out.push(line);
    if (line.includes('(') && !line.includes(')')) {
      while (++i < lines.length) {
        out.push(lines[i] ?? '');
        if ((lines[i] ?? '').includes(')')) break;
      }
    }
  }
  return out.join('\n');
}

function uniqueLines(text: string): string {
  return [...new Set(text.split('\n').filter((l) => l.trim() !== ''))].join('\n');
}
