import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { extractCode, humanEvalItem, mbppItem, testProgram, type CodeBenchmark, type CodeItem } from '../../src/core/evaluation/graders/code';
import { passAtK } from '../../src/core/evaluation/graders/passAtK';
import { detectSandbox } from '../../src/core/evaluation/sandbox/capabilities';
import { execute } from '../../src/core/evaluation/sandbox/execute';
import { resolveLimits } from '../../src/core/evaluation/sandbox/limits';
import { SandboxPool, runPython, sandboxCapabilities, type SandboxCapabilities, type SandboxResult } from '../../src/core/evaluation/sandbox/sandbox';
import { lastException } from '../../src/core/evaluation/sandbox/verdict';
import { SHARED_DATA } from './helpers/fixtures';

const HUMANEVAL = path.join(SHARED_DATA, 'benchmarks', 'humaneval', 'HumanEval.jsonl.gz');
const MBPP = path.join(SHARED_DATA, 'benchmarks', 'mbpp', 'mbpp-sanitized.jsonl');

/** MBPP references that fail their own tests, with why. Every one of the 378 passes today. */
const MBPP_REFERENCE_FAILURES: Record<string, string> = {};

interface HumanEvalRow {
  task_id: string;
  prompt: string;
  canonical_solution: string;
  test: string;
  entry_point: string;
}
interface MbppRow {
  task_id: string;
  prompt: string;
  imports: string;
  test_list: string;
  code: string;
  entry_point: string;
}

const jsonl = <T>(text: string): T[] =>
  text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
const humanEvalRows = () => jsonl<HumanEvalRow>(zlib.gunzipSync(fs.readFileSync(HUMANEVAL)).toString('utf8'));
const mbppRows = () => jsonl<MbppRow>(fs.readFileSync(MBPP, 'utf8'));

/** One program per solution and one per `pass` body, run together; returns what did not go as expected. */
async function gradeCorpus(pool: SandboxPool, items: { item: CodeItem; solution: string }[], benchmark: CodeBenchmark) {
  const programs = items.flatMap(({ item, solution }) => [
    testProgram(item, extractCode(solution, item, benchmark), benchmark),
    testProgram(item, extractCode('    pass\n', item, benchmark), benchmark),
  ]);
  const t0 = performance.now();
  const results = await pool.runAll(programs);
  const seconds = (performance.now() - t0) / 1000;
  const referenceFailures: Record<string, string> = {};
  const passBodyNotFailed: string[] = [];
  items.forEach(({ item }, i) => {
    const ref = results[2 * i];
    const stub = results[2 * i + 1];
    if (ref?.verdict !== 'passed') referenceFailures[item.id] = `${ref?.verdict}: ${ref?.reason}`;
    if (stub?.verdict !== 'failed') passBodyNotFailed.push(`${item.id} ${stub?.verdict}: ${stub?.reason}`);
  });
  return { referenceFailures, passBodyNotFailed, seconds, programs: programs.length };
}

/** Processes of a uid still alive (root mode gives each run its own uid). */
function processesOf(uid: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      if (new RegExp(`^Uid:\\s+${uid}\\s`, 'm').test(status)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe('code sandbox', function () {
  this.timeout(120_000);
  let caps: SandboxCapabilities;
  const pool = new SandboxPool(2);

  before(async () => {
    caps = await sandboxCapabilities();
  });

  it('says how it isolates here', function () {
    assert.equal(caps.limits, true);
    assert.match(caps.pythonVersion, /^3\.\d+\.\d+$/);
    if (process.geteuid?.() === 0) {
      // CI runs as root: namespaces and a uid of the run's own are expected there
      assert.deepEqual([caps.mode, caps.network, caps.user, caps.processes, caps.filesystem], ['root', 'namespace', 'unprivileged', 'namespace', 'read-only']);
    } else if (caps.mode === 'user-namespace') {
      assert.deepEqual([caps.network, caps.user, caps.processes, caps.filesystem], ['namespace', 'same', 'namespace', 'read-only']);
    } else {
      assert.equal(caps.network, 'none');
      assert.ok(caps.warnings.some((w) => /namespaces are not available/.test(w)));
    }
  });

  describe('the benchmarks', function () {
    before(function () {
      if (caps.network === 'none') this.skip(); // runPython refuses without network isolation
    });

    it('passes all 164 HumanEval canonical solutions and fails each one whose body is `pass`', async () => {
      const rows = humanEvalRows();
      assert.equal(rows.length, 164);
      const items = rows.map((r) => ({ item: humanEvalItem(r), solution: r.canonical_solution }));
      const r = await gradeCorpus(pool, items, 'humaneval');
      assert.deepEqual(r.referenceFailures, {});
      assert.deepEqual(r.passBodyNotFailed, []);
      console.log(`      HumanEval: ${r.programs} programs in ${r.seconds.toFixed(1)} s at 2 workers`);
    });

    it('passes the MBPP reference solutions (378) and fails each one whose body is `pass`', async () => {
      const rows = mbppRows();
      assert.equal(rows.length, 378);
      const items = rows.map((r) => ({ item: mbppItem(r), solution: r.code }));
      const r = await gradeCorpus(pool, items, 'mbpp');
      assert.deepEqual(r.referenceFailures, MBPP_REFERENCE_FAILURES);
      assert.deepEqual(r.passBodyNotFailed, []);
      console.log(`      MBPP: ${r.programs} programs in ${r.seconds.toFixed(1)} s at 2 workers`);
    });
  });

  describe('hostile programs', function () {
    const tag = crypto.randomBytes(4).toString('hex');
    const escapes = [`/tmp/agb-sandbox-escape-${tag}`, `/work/agb-sandbox-escape-${tag}`, `/dev/shm/agb-sandbox-escape-${tag}`, `/var/tmp/agb-sandbox-escape-${tag}`, path.join(os.homedir(), `agb-sandbox-escape-${tag}`)];
    let server: net.Server;
    let serverPort = 0;
    let connections = 0;

    before(async function () {
      if (caps.network === 'none') this.skip();
      server = net.createServer((s) => {
        connections++;
        s.end('hello');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      serverPort = (server.address() as net.AddressInfo).port;
    });
    after(() => {
      server?.close();
      for (const f of escapes) fs.rmSync(f, { force: true });
    });

    it('each get a clear verdict while the pool keeps running the others', async () => {
      const short = { timeoutMs: 3000 };
      interface Case {
        name: string;
        program: string;
        opts?: { timeoutMs?: number; cpuSeconds?: number };
        verdict: SandboxResult['verdict'] | SandboxResult['verdict'][];
        reason?: RegExp;
        check?: (r: SandboxResult) => void;
      }
      const cases: Case[] = [
        { name: 'infinite loop', program: 'while True:\n    pass\n', opts: short, verdict: 'timeout', reason: /^killed after 3 s wall time$/ },
        { name: 'CPU limit', program: 'while True:\n    pass\n', opts: { cpuSeconds: 1, timeoutMs: 20_000 }, verdict: 'timeout', reason: /^CPU time limit of 1 s exceeded$/ },
        {
          name: 'fork bomb',
          program: 'import os\nprint(os.getuid(), flush=True)\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n',
          opts: short,
          verdict: 'timeout',
        },
        {
          name: 'fork count',
          // children sleep; the parent forks until the limit refuses, then reports how far it got
          program: 'import os, time\nn = 0\ntry:\n    while True:\n        if os.fork() == 0:\n            time.sleep(60)\n            os._exit(0)\n        n += 1\nexcept OSError as e:\n    print(n, e.errno, os.getuid())\n',
          verdict: 'passed',
          check: (r) => {
            const [forked, errno] = r.stdout.trim().split(' ').map(Number);
            assert.ok(forked !== undefined && forked <= 15 && forked >= 10, `forked ${forked} (limit: 16 processes with the program)`);
            assert.equal(errno, 11); // EAGAIN
            assert.ok(r.durationMs < 5000, 'sleeping children do not keep the run alive');
          },
        },
        { name: '4 GB allocation', program: 'x = bytearray(4 * 2**30)\n', verdict: 'memory', reason: /^MemoryError at line 1/ },
        { name: 'growing list', program: 'xs = []\nwhile True:\n    xs.append(" " * 10**7)\n', verdict: 'memory', reason: /^MemoryError at line 3/ },
        {
          name: 'socket to 1.1.1.1:53',
          program: 'import socket\nsocket.create_connection(("1.1.1.1", 53), timeout=5)\n',
          verdict: 'failed',
          reason: /network is not reachable inside the sandbox/,
        },
        {
          name: 'socket to a loopback server of the test',
          program: `import socket\ns = socket.create_connection(("127.0.0.1", ${serverPort || 1}), timeout=5)\nprint(s.recv(10))\n`,
          verdict: 'failed',
          reason: /network is not reachable inside the sandbox|Connection refused/,
        },
        { name: 'DNS', program: 'import socket\nsocket.getaddrinfo("example.com", 80)\n', verdict: 'failed', reason: /gaierror/ },
        ...escapes.map(
          (file): Case => ({
            name: `write ${file}`,
            program: `open(${JSON.stringify(file)}, "w").write("escaped")\n`,
            verdict: 'failed',
            reason: /Read-only file system|Permission denied|No such file/,
          }),
        ),
        {
          name: 'write in its own directory',
          program: 'import os, tempfile\nopen("here.txt", "w").write("ok")\nfd, p = tempfile.mkstemp()\nos.write(fd, b"ok")\nprint(os.getcwd() == os.environ["HOME"] == os.path.dirname(p))\n',
          verdict: 'passed',
          check: (r) => assert.equal(r.stdout.trim(), 'True'),
        },
        { name: 'kill its parent', program: 'import os\nos.kill(os.getppid(), 9)\nprint("still here")\n', verdict: ['failed', 'passed'] },
        { name: 'kill the test process', program: `import os\nos.kill(${process.pid}, 9)\n`, verdict: 'failed', reason: /ProcessLookupError|PermissionError/ },
        {
          name: 'kill everything it can',
          program: 'import os, signal, time\nif os.fork() == 0:\n    time.sleep(30)\nos.kill(-1, signal.SIGKILL)\nprint("still here")\n',
          verdict: 'passed',
          check: (r) => assert.equal(r.stdout.trim(), 'still here'),
        },
        { name: 'flood stdout', program: 'while True:\n    print("x" * 1000)\n', verdict: 'output-limit', reason: /^stdout passed the 64 KiB limit/, check: (r) => assert.equal(r.stdout.length, 64 * 1024) },
        { name: 'flood stderr', program: 'import sys\nwhile True:\n    sys.stderr.write("y" * 1000)\n', verdict: 'output-limit', reason: /^stderr passed/ },
        {
          name: 'detached background process',
          program: 'import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(60)\nprint("parent done")\n',
          verdict: 'passed',
          check: (r) => assert.ok(r.durationMs < 5000, `${r.durationMs} ms`),
        },
      ];
      // ordinary programs between them: the pool must keep grading those correctly
      const normal = humanEvalRows()
        .slice(0, 12)
        .map((row) => {
          const item = humanEvalItem(row);
          return testProgram(item, extractCode(row.canonical_solution, item, 'humaneval'), 'humaneval');
        });
      // submitted alternately, so ordinary programs run beside the hostile ones on the other worker
      const hostile: Promise<SandboxResult>[] = [];
      const ordinary: Promise<SandboxResult>[] = [];
      for (let i = 0; i < Math.max(cases.length, normal.length); i++) {
        const c = cases[i];
        const p = normal[i];
        if (c) hostile.push(pool.run(c.program, c.opts));
        if (p !== undefined) ordinary.push(pool.run(p));
      }
      const [hostileResults, ordinaryResults] = await Promise.all([Promise.all(hostile), Promise.all(ordinary)]);

      assert.deepEqual(
        ordinaryResults.map((r) => r.verdict),
        normal.map(() => 'passed'),
      );
      cases.forEach((c, i) => {
        const r = hostileResults[i];
        assert.ok(r);
        const expected = Array.isArray(c.verdict) ? c.verdict : [c.verdict];
        assert.ok(expected.includes(r.verdict), `${c.name}: ${r.verdict} (${r.reason})`);
        if (c.reason) assert.match(r.reason, c.reason, c.name);
        assert.doesNotMatch(r.reason, /\n/, `${c.name}: one line`);
        c.check?.(r);
      });
      for (const file of escapes) assert.equal(fs.existsSync(file), false, `${file} must not exist`);
      assert.equal(connections, 0, 'the loopback server saw no connection');
      // as root every run has a uid of its own: nothing of the fork bomb's or the counter's is left
      if (caps.user === 'unprivileged') {
        const uidIn = (name: string, field: number) => Number(hostileResults[cases.findIndex((c) => c.name === name)]?.stdout.trim().split(/\s+/)[field]);
        for (const [name, uid] of [['fork bomb', uidIn('fork bomb', 0)], ['fork count', uidIn('fork count', 2)]] as const) {
          assert.ok(uid >= 1_900_000_000, `${name} ran as ${uid}`);
          assert.deepEqual(processesOf(uid), [], `${name}: processes of uid ${uid} left`);
        }
      }
    });

    it('leaves no work directory behind', async () => {
      const before = new Set(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('agb-sbx-')));
      const results = await Promise.all([runPython('import os\nprint(os.getcwd())\n'), runPython('while True:\n    pass\n', { timeoutMs: 500 })]);
      const dir = results[0]?.stdout.trim() ?? '';
      assert.match(dir, /agb-sbx-/);
      assert.equal(fs.existsSync(dir), false);
      const after = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('agb-sbx-') && !before.has(f));
      assert.deepEqual(after, []);
    });
  });

  describe('without namespaces', function () {
    it('refuses unless allowNetwork is set, then runs with limits (and, as root, its own uid)', async function () {
      this.timeout(60_000);
      // a PATH with python3 but no unshare: what a machine without util-linux looks like
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'agb-sandbox-bin-'));
      fs.chmodSync(bin, 0o755); // the run's own uid starts python3 through it
      try {
        fs.symlinkSync(fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : caps.python, path.join(bin, 'python3'));
        for (const tool of ['setpriv', 'kill']) {
          const found = ['/usr/bin', '/bin'].map((d) => path.join(d, tool)).find((p) => fs.existsSync(p));
          if (found) fs.symlinkSync(found, path.join(bin, tool));
        }
        const sandbox = path.resolve(__dirname, '../../src/core/evaluation/sandbox/sandbox.ts');
        const script = `(async () => {
          const { runPython, sandboxCapabilities } = require(${JSON.stringify(sandbox)});
          const caps = await sandboxCapabilities();
          let refused = '';
          try { await runPython('print(1)'); } catch (e) { refused = e.name + ': ' + e.message; }
          const escape = ${JSON.stringify(`/work/agb-sandbox-escape-none-${crypto.randomBytes(4).toString('hex')}`)};
          const ran = await runPython('import os\\nprint(os.getuid(), os.getcwd() == os.environ["HOME"])\\n', { allowNetwork: true });
          const wrote = await runPython('open(' + JSON.stringify(escape) + ', "w").write("x")\\n', { allowNetwork: true });
          const loop = await runPython('while True:\\n    pass\\n', { allowNetwork: true, timeoutMs: 1000 });
          console.log(JSON.stringify({ caps, refused, ran, wrote, loop, escaped: require('node:fs').existsSync(escape) }));
        })();`;
        const out = await new Promise<string>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: path.resolve(__dirname, '../..'), env: { ...process.env, PATH: bin } });
          let text = '';
          let err = '';
          child.stdout.on('data', (c: Buffer) => (text += c.toString()));
          child.stderr.on('data', (c: Buffer) => (err += c.toString()));
          child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`child exit ${code}: ${err}`))));
        });
        const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { caps: SandboxCapabilities; refused: string; ran: SandboxResult; wrote: SandboxResult; loop: SandboxResult; escaped: boolean };
        assert.equal(r.caps.mode, 'none');
        assert.equal(r.caps.network, 'none');
        assert.match(r.refused, /^SandboxUnavailableError: no network namespace can be made here.*allowNetwork: true/);
        assert.equal(r.ran.verdict, 'passed', r.ran.reason);
        assert.equal(r.loop.verdict, 'timeout');
        if (process.geteuid?.() === 0) {
          const [uid, inHome] = r.ran.stdout.trim().split(' ');
          assert.ok(Number(uid) >= 1_900_000_000, `ran as ${uid}`);
          assert.equal(inHome, 'True');
          assert.equal(r.wrote.verdict, 'failed');
          assert.match(r.wrote.reason, /PermissionError/);
          assert.equal(r.escaped, false);
        }
      } finally {
        fs.rmSync(bin, { recursive: true, force: true });
      }
    });

    it('runs a program from a host work directory (the path without namespaces)', async function () {
      const { env } = await detectSandbox('python3');
      // as root the run's uid cannot reach an interpreter under /root (pyenv) without the namespace's bind mount
      const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : env.python.executable;
      if (process.geteuid?.() === 0 && python !== '/usr/bin/python3') this.skip();
      const none = { ...env, mode: 'none' as const, plan: { masks: [], expose: [] }, python: { ...env.python, executable: python } };
      const r = await execute('import os\nprint(os.path.basename(os.getcwd()).startswith("agb-sbx-"))\nassert 1 == 2, "boom"\n', none, resolveLimits({ allowNetwork: true }));
      assert.equal(r.verdict, 'failed');
      assert.equal(r.stdout.trim(), 'True');
      assert.equal(r.reason, 'AssertionError at line 3: boom');
    });
  });

  describe('verdict reasons', () => {
    const prog = '/tmp/agb-sbx-x/program.py';
    it('take the last exception and the deepest line of the program', () => {
      const stderr = [
        'Traceback (most recent call last):',
        `  File "${prog}", line 4, in <module>`,
        '    f()',
        'KeyError: 1',
        '',
        'During handling of the above exception, another exception occurred:',
        '',
        'Traceback (most recent call last):',
        `  File "${prog}", line 20, in <module>`,
        '    check(f)',
        `  File "${prog}", line 12, in check`,
        '    assert candidate(1) == 2',
        '           ^^^^^^^^^^^^',
        '  File "/usr/lib/python3.11/json/__init__.py", line 346, in loads',
        '    return _default_decoder.decode(s)',
        'json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)',
      ].join('\n');
      assert.deepEqual(lastException(stderr, prog), { type: 'json.decoder.JSONDecodeError', message: 'Expecting value: line 1 column 1 (char 0)', line: 12 });
    });
    it('read syntax errors, which have no "Traceback" line', () => {
      const stderr = `  File "${prog}", line 3\n    def f(:\n          ^\nSyntaxError: invalid syntax\n`;
      assert.deepEqual(lastException(stderr, prog), { type: 'SyntaxError', message: 'invalid syntax', line: 3 });
    });
    it('find nothing in output that is no traceback', () => {
      assert.equal(lastException('just some text\n', prog), undefined);
    });
  });

  describe('extractCode and testProgram', () => {
    const rows = new Map(humanEvalRows().map((r) => [r.task_id, r]));
    const item = (id: string) => humanEvalItem(rows.get(id) as HumanEvalRow);
    const he0 = item('HumanEval/0');
    const solution0 = (rows.get('HumanEval/0') as HumanEvalRow).canonical_solution;
    const def0 = 'def has_close_elements(numbers: List[float], threshold: float) -> bool:\n';

    it('takes the fenced block that defines the entry point, without the prompt imports it relies on', async () => {
      const output = `Sure! Here it is:\n\n\`\`\`python\n${def0}${solution0}\`\`\`\n\nUsage:\n\`\`\`python\nprint(has_close_elements([1.0], 0.5))\n\`\`\`\n`;
      const code = extractCode(output, he0, 'humaneval');
      assert.equal(code, `${def0}${solution0}`.replace(/\n$/, ''));
      assert.equal((await pool.run(testProgram(he0, code, 'humaneval'))).verdict, 'passed');
    });

    it('prefers the last version of a revised answer', () => {
      const output = `\`\`\`python\n${def0}    return False\n\`\`\`\nOops, fixed:\n\`\`\`py\n${def0}${solution0}\`\`\``;
      assert.match(extractCode(output, he0, 'humaneval'), /enumerate/);
    });

    it('puts a body-only completion under the prompt, indenting it when needed', () => {
      assert.equal(extractCode(solution0, he0, 'humaneval'), he0.prompt + solution0);
      const flat = 'return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])';
      assert.equal(extractCode(`\`\`\`\n${flat}\n\`\`\``, he0, 'humaneval'), `${he0.prompt}    ${flat}`);
    });

    it('adds the prompt when the code needs a helper the prompt defines', async () => {
      const he10 = item('HumanEval/10');
      const body = (rows.get('HumanEval/10') as HumanEvalRow).canonical_solution;
      const code = extractCode(`\`\`\`python\ndef make_palindrome(string: str) -> str:\n${body}\`\`\``, he10, 'humaneval');
      assert.ok(code.startsWith(he10.prompt));
      assert.equal((await pool.run(testProgram(he10, code, 'humaneval'))).verdict, 'passed');
    });

    it('drops a __main__ block and reads an unclosed fence', async () => {
      const output = `\`\`\`python\n${def0}${solution0}\nif __name__ == "__main__":\n    print(has_close_elements(eval(input()), 0.5))\n`;
      const code = extractCode(output, he0, 'humaneval');
      assert.doesNotMatch(code, /__main__|input\(/);
      assert.equal((await pool.run(testProgram(he0, code, 'humaneval'))).verdict, 'passed');
    });

    it('builds the HumanEval program with check(entry point) and the MBPP one with its asserts', () => {
      const he = testProgram(he0, 'CODE', 'humaneval');
      assert.ok(he.startsWith('from typing import List\n\n\nCODE\n\n\n'));
      assert.ok(he.endsWith('\n\n\ncheck(has_close_elements)\n'));
      const mb = mbppItem({ task_id: 'Mbpp/2', prompt: 'def f(x):\n    """doc"""\n', entry_point: 'f', test_list: 'assert f(1) == 1\nassert f(2) == 2', imports: 'import math' });
      assert.deepEqual(mb, { id: 'Mbpp/2', prompt: 'def f(x):\n    """doc"""\n', entryPoint: 'f', tests: 'assert f(1) == 1\nassert f(2) == 2', imports: 'import math' });
      assert.equal(testProgram(mb, 'def f(x):\n    return x', 'mbpp'), 'import math\n\n\ndef f(x):\n    return x\n\n\nassert f(1) == 1\nassert f(2) == 2\n');
    });
  });

  describe('passAtK', () => {
    it('is the unbiased estimator', () => {
      assert.equal(passAtK(10, 0, 1), 0);
      assert.equal(passAtK(10, 10, 1), 1);
      assert.ok(Math.abs(passAtK(10, 3, 1) - 0.3) < 1e-12);
      assert.ok(Math.abs(passAtK(10, 3, 5) - (1 - 21 / 252)) < 1e-12);
      assert.equal(passAtK(5, 1, 5), 1);
    });
    it('stays finite where the binomials would overflow', () => {
      // 1 - C(900,100)/C(1000,100) through log-gamma-free sums of logs
      let logRatio = 0;
      for (let i = 0; i < 100; i++) logRatio += Math.log(900 - i) - Math.log(1000 - i);
      assert.ok(Math.abs(passAtK(1000, 100, 100) - (1 - Math.exp(logRatio))) < 1e-12);
    });
    it('rejects impossible counts', () => {
      assert.throws(() => passAtK(5, 6, 1), RangeError);
      assert.throws(() => passAtK(5, 1, 6), RangeError);
      assert.throws(() => passAtK(5, 1.5, 1), RangeError);
    });
  });
});
