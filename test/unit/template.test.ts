import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultPlaceholders, defaultTemplateName } from '../../src/core/config/defaults';
import type { Placeholders } from '../../src/core/config/types';
import { AgoraError } from '../../src/core/errors';
import { parseOutput } from '../../src/core/generation/parse';
import { loadTemplate, renderTemplate } from '../../src/core/generation/template';
import { validateInstance } from '../../src/core/generation/validate';
import { DOMAINS, METHODS, type Example, type Method } from '../../src/core/types';
import { REPO_ROOT, tempDirs } from './helpers/engine';

const DEMOS: Example[] = [
  { instruction: 'DEMO-IN-1', response: 'DEMO-OUT-1' },
  { instruction: 'DEMO-IN-2', response: 'DEMO-OUT-2' },
  { instruction: 'DEMO-IN-3', response: 'DEMO-OUT-3' },
];

/** Asserts that `fn` throws a template AgoraError whose message matches every pattern. */
function throwsTemplateError(fn: () => unknown, ...patterns: (string | RegExp)[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AgoraError, `expected an AgoraError, got ${String(e)}`);
    assert.equal(e.code, 'template');
    for (const p of patterns) {
      if (typeof p === 'string') assert.ok(e.message.includes(p), `"${e.message}" should contain "${p}"`);
      else assert.match(e.message, p);
    }
    return true;
  });
}

describe('templates', () => {
  const mkdir = tempDirs('template');
  let dir: string;
  const write = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };
  before(() => {
    dir = mkdir();
  });

  describe('the nine shipped templates', () => {
    for (const method of METHODS) {
      for (const domain of DOMAINS) {
        it(`${method}.${domain} loads with the default placeholders and renders every slot`, () => {
          const p = defaultPlaceholders(method);
          const file = path.join(REPO_ROOT, 'prompts', defaultTemplateName(method, domain));
          const t = loadTemplate(file, method, p, 3);
          assert.equal(t.demonstrations, method === 'instance_generation' ? 3 : 0);
          assert.equal(t.usesTheme, method === 'instance_generation');
          assert.equal(t.usesFirstWord, method === 'instance_generation' && domain === 'instruction_following');
          const out =
            method === 'instance_generation'
              ? renderTemplate(t, { demonstrations: DEMOS, theme: 'THEME-X', firstWord: 'FIRST-Y' })
              : renderTemplate(t, { input: 'SEED-IN', output: 'SEED-OUT' });
          // nothing of the paper's marker syntax is left
          assert.doesNotMatch(out, /<input\d*>|<output\d*>|<input_theme>|<first_word>/);
          if (method === 'instance_generation') {
            for (const d of DEMOS) assert.ok(out.includes(`INPUT: ${d.instruction}\nOUTPUT: ${d.response}\n[END]`), `${d.instruction} in order`);
            assert.ok(out.includes('THEME-X'));
          } else {
            assert.ok(out.includes('SEED-IN'));
            assert.equal(out.includes('SEED-OUT'), method === 'quality_enhancement');
          }
          // the prompt ends with the trigger the model continues from (no trailing newline)
          assert.ok(out.trimEnd().endsWith(p.inputTrigger) || out.trimEnd().endsWith(p.outputTrigger), JSON.stringify(out.slice(-30)));
          assert.ok(!out.endsWith('\n'));
        });
      }
    }
  });

  describe('checks', () => {
    const ig = defaultPlaceholders('instance_generation');

    it('a missing demonstration placeholder names the file and the placeholder', () => {
      const f = write('missing-output2.txt', 'INPUT: <input1>\nOUTPUT: <output1>\nINPUT: <input2>\nOUTPUT: \n\nINPUT: ');
      throwsTemplateError(() => loadTemplate(f, 'instance_generation', ig, 2), f, '<output2>');
      // a complete file loads
      const ok = write('complete2.txt', 'INPUT: <input1>\nOUTPUT: <output1>\nINPUT: <input2>\nOUTPUT: <output2>\n\nINPUT: ');
      assert.equal(loadTemplate(ok, 'instance_generation', ig, 2).demonstrations, 2);
    });

    it('lists every missing placeholder at once', () => {
      const f = write('one-slot.txt', 'INPUT: <input1>\nOUTPUT: <output1>\n\nINPUT: ');
      throwsTemplateError(() => loadTemplate(f, 'instance_generation', ig, 3), '<input2>', '<output2>', '<input3>', '<output3>', 'placeholders');
    });

    it('a slot beyond generation.demonstrations (<input4> with 3) is an error', () => {
      const slots = [1, 2, 3, 4].map((i) => `INPUT: <input${i}>\nOUTPUT: <output${i}>\n[END]`).join('\n\n');
      const f = write('four-slots.txt', `${slots}\n\nINPUT: `);
      throwsTemplateError(() => loadTemplate(f, 'instance_generation', ig, 3), f, '<input4>', /demonstrations is 3/);
      assert.equal(loadTemplate(f, 'instance_generation', ig, 4).demonstrations, 4);
    });

    it('response generation needs <input>; quality enhancement needs <input> and <output>', () => {
      const noInput = write('no-input.txt', 'Solve this.\nOUTPUT: ');
      throwsTemplateError(() => loadTemplate(noInput, 'response_generation', defaultPlaceholders('response_generation'), 3), noInput, '<input>');
      const noOutput = write('no-output.txt', 'Question: <input>\n\nRevised Question: ');
      throwsTemplateError(() => loadTemplate(noOutput, 'quality_enhancement', defaultPlaceholders('quality_enhancement'), 3), noOutput, '<output>');
      // response generation does not need <output>
      assert.equal(loadTemplate(noOutput, 'response_generation', defaultPlaceholders('response_generation'), 3).demonstrations, 0);
    });

    it('an unreadable template names the file', () => {
      const f = path.join(dir, 'does-not-exist.txt');
      throwsTemplateError(() => loadTemplate(f, 'response_generation', defaultPlaceholders('response_generation'), 3), f, 'ENOENT');
    });

    it('CRLF line ends are normalised and one final newline is dropped', () => {
      const f = write('crlf.txt', 'INPUT: <input>\r\nOUTPUT: \n');
      const t = loadTemplate(f, 'response_generation', defaultPlaceholders('response_generation'), 3);
      assert.equal(t.text, 'INPUT: <input>\nOUTPUT: ');
    });
  });

  describe('renderTemplate', () => {
    const ig = defaultPlaceholders('instance_generation');

    it('substitutes everything in one pass: placeholder-like text inside a value is left alone', () => {
      const f = write(
        'one-pass.txt',
        'Theme: <input_theme>. Start with <first_word>.\n' +
          '[EXAMPLE 1]\nINPUT: <input1>\nOUTPUT: <output1>\n[END]\n' +
          '[EXAMPLE 2]\nINPUT: <input2>\nOUTPUT: <output2>\n[END]\n\nINPUT: ',
      );
      const t = loadTemplate(f, 'instance_generation', ig, 2);
      const out = renderTemplate(t, {
        demonstrations: [
          { instruction: 'What does <input2> mean?', response: 'It is like <output> or <input_theme>.' },
          { instruction: 'second <first_word>', response: 'second answer' },
        ],
        theme: 'geometry <output1>',
        firstWord: 'Consider',
      });
      assert.equal(
        out,
        'Theme: geometry <output1>. Start with Consider.\n' +
          '[EXAMPLE 1]\nINPUT: What does <input2> mean?\nOUTPUT: It is like <output> or <input_theme>.\n[END]\n' +
          '[EXAMPLE 2]\nINPUT: second <first_word>\nOUTPUT: second answer\n[END]\n\nINPUT: ',
      );
    });

    it('substitutes $-patterns in values literally', () => {
      const f = write('dollar.txt', 'INPUT: <input>\nOUTPUT: ');
      const t = loadTemplate(f, 'response_generation', defaultPlaceholders('response_generation'), 3);
      assert.equal(renderTemplate(t, { input: "cost $& and $1 and $' and $$" }), "INPUT: cost $& and $1 and $' and $$\nOUTPUT: ");
    });

    it('works with custom placeholder formats such as {{q@}}', () => {
      const custom: Placeholders = {
        ...ig,
        demonstrationInput: '{{q@}}',
        demonstrationOutput: '{{a@}}',
        theme: '{{topic}}',
        firstWord: '{{start}}',
        inputTrigger: 'Q:',
        outputTrigger: 'A:',
        stopPhrase: '###',
      };
      const slots = Array.from({ length: 10 }, (_, i) => `Q: {{q${i + 1}}}\nA: {{a${i + 1}}}\n###`).join('\n');
      const f = write('custom.txt', `Topic {{topic}}; begin with {{start}}.\n${slots}\nQ: `);
      const t = loadTemplate(f, 'instance_generation', custom, 10);
      assert.equal(t.demonstrations, 10);
      assert.ok(t.usesTheme && t.usesFirstWord);
      const demos = Array.from({ length: 10 }, (_, i) => ({ instruction: `in${i + 1}`, response: `out${i + 1}` }));
      const out = renderTemplate(t, { demonstrations: demos, theme: 'sets', firstWord: 'Let' });
      // {{q1}} must not be confused with the start of {{q10}}
      assert.ok(out.includes('Q: in1\nA: out1\n###'));
      assert.ok(out.includes('Q: in10\nA: out10\n###'));
      assert.ok(out.startsWith('Topic sets; begin with Let.'));
      assert.doesNotMatch(out, /\{\{/);
      // a custom format without the ten-slot neighbour also detects an extra slot
      throwsTemplateError(() => loadTemplate(f, 'instance_generation', custom, 9), '{{q10}}');
    });

    it('leaves a placeholder that has no value as it is', () => {
      const f = write('partial.txt', 'A <input_theme> B <first_word> C');
      const t = loadTemplate(f, 'instance_generation', ig, 0);
      assert.equal(renderTemplate(t, { theme: 'T' }), 'A T B <first_word> C');
      assert.equal(renderTemplate(t, {}), 'A <input_theme> B <first_word> C');
    });

    it('an empty placeholder (e.g. "theme": "") does not insert its value between every character', () => {
      const f = write('empty-theme.txt', 'INPUT: <input1>\nOUTPUT: <output1>\n\nINPUT: ');
      const p: Placeholders = { ...ig, theme: '' };
      const t = loadTemplate(f, 'instance_generation', p, 1);
      assert.equal(t.usesTheme, false, 'an empty marker cannot be "used" by a template');
      const out = renderTemplate(t, { demonstrations: [{ instruction: 'I', response: 'R' }], theme: 'THEME' });
      assert.equal(out, 'INPUT: I\nOUTPUT: R\n\nINPUT: ');
    });
  });

  describe("templates in the layout of the paper's released prompt files run unchanged", () => {
    // The released files' layout and markers (section headers, <input1>…, <input_theme>,
    // <first_word>, quoted "\nOUTPUT: " and " [END]" instructions), with placeholder wording.
    const PAPER_IG = `[GENERAL GUIDELINES]
- Examples "[EXAMPLE 1]", "[EXAMPLE 2]" and "[EXAMPLE 3]" come first.
- Add one instance after "[NEW INSTANCE]".

[INPUT REQUIREMENTS]
- Topic: related to "<input_theme>".
- Opening: something similar: "<first_word>".

[FORMAT REQUIREMENTS]
- Then "\\nOUTPUT: " and the OUTPUT.
- Finally "\\n[END]".

[EXAMPLE 1]
INPUT: <input1>
OUTPUT: <output1>
[END]

[EXAMPLE 2]
INPUT: <input2>
OUTPUT: <output2>
[END]

[EXAMPLE 3]
INPUT: <input3>
OUTPUT: <output3>
[END]

[NEW INSTANCE]
INPUT: `;
    const PAPER_QE = `Revise the pair below.
- Revised question, then "Revised Answer: " and the revised answer, then " [END]".

Output format:
<revised_question>

Revised Answer: <revised_answer>
[RESULT] <final_result> [/RESULT]

### Original Instance:
Question: <input>
Answer: <output>

### Revised Instance:
Revised Question: `;
    const PAPER_RG = `[REQUIREMENTS]
- Final answer between "\\n[RESULT]" and "[/RESULT]".
- Then " [END]".

INPUT:
<input>

OUTPUT:
`;

    function run(method: Method, text: string, name: string) {
      const p = defaultPlaceholders(method);
      const t = loadTemplate(write(name, text), method, p, 3);
      return { t, p };
    }

    it('instance generation: render, then parse and validate a typical answer', () => {
      const { t, p } = run('instance_generation', PAPER_IG, 'paper-ig.txt');
      assert.ok(t.usesTheme && t.usesFirstWord);
      const prompt = renderTemplate(t, { demonstrations: DEMOS, theme: 'cooking', firstWord: 'Imagine' });
      assert.ok(prompt.includes('related to "cooking"'));
      assert.ok(prompt.includes('something similar: "Imagine"'));
      assert.ok(prompt.endsWith('[NEW INSTANCE]\nINPUT: '));
      for (const profile of ['paper', 'strict'] as const) {
        const parsed = parseOutput('instance_generation', { text: 'Imagine a dinner party.\nOUTPUT: Serve soup.\n[END]', finishReason: 'stop' }, p, profile);
        assert.deepEqual(parsed, { ok: true, instruction: 'Imagine a dinner party.', response: 'Serve soup.' });
        const ctx = { method: 'instance_generation' as const, domain: 'instruction_following' as const, profile, placeholders: p, maxInstanceTokens: 4096 };
        assert.deepEqual(validateInstance('Imagine a dinner party.', 'Serve soup.', ctx), []);
      }
    });

    it('quality enhancement: "Revised Question:"/"Revised Answer:" triggers, unknown <markers> untouched', () => {
      const { t, p } = run('quality_enhancement', PAPER_QE, 'paper-qe.txt');
      const prompt = renderTemplate(t, { input: 'wat is 2+2', output: '4?' });
      assert.ok(prompt.includes('Question: wat is 2+2\nAnswer: 4?\n'));
      assert.ok(prompt.includes('Revised Answer: <revised_answer>'), 'markers the engine does not know stay as written');
      assert.ok(prompt.endsWith('Revised Question: '));
      const parsed = parseOutput(
        'quality_enhancement',
        { text: 'What is $2+2$?\n\nRevised Answer: Adding gives 4.\n[RESULT] 4 [/RESULT] [END]', finishReason: 'stop' },
        p,
        'paper',
      );
      assert.deepEqual(parsed, { ok: true, instruction: 'What is $2+2$?', response: 'Adding gives 4.\n[RESULT] 4 [/RESULT]' });
    });

    it('response generation: a template ending in "OUTPUT:\\n"', () => {
      const { t, p } = run('response_generation', PAPER_RG, 'paper-rg.txt');
      const prompt = renderTemplate(t, { input: 'Compute 3*3.' });
      assert.ok(prompt.endsWith('INPUT:\nCompute 3*3.\n\nOUTPUT:'));
      const parsed = parseOutput('response_generation', { text: '3*3 = 9\n[RESULT] 9 [/RESULT] [END]', finishReason: 'stop' }, p, 'paper', 'Compute 3*3.');
      assert.deepEqual(parsed, { ok: true, instruction: 'Compute 3*3.', response: '3*3 = 9\n[RESULT] 9 [/RESULT]' });
    });
  });
});
