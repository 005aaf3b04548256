import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { defaultPlaceholders } from '../../src/core/config/defaults';
import { clean, parseOutput, type ParseResult, type RawOutput } from '../../src/core/generation/parse';
import { leakMarkers, loadTemplate } from '../../src/core/generation/template';
import { chatTokens, countTokens } from '../../src/core/generation/tokens';
import { CODE_FORBIDDEN_PHRASES, validateInstance, type ValidationContext } from '../../src/core/generation/validate';
import type { Domain, Method } from '../../src/core/types';
import { REPO_ROOT } from './helpers/engine';

const IG = defaultPlaceholders('instance_generation');
const RG = defaultPlaceholders('response_generation');
const QE = defaultPlaceholders('quality_enhancement');

const stop = (text: string): RawOutput => ({ text, finishReason: 'stop' });

function failed(r: ParseResult): string[] {
  assert.equal(r.ok, false, `expected a parse failure, got ${JSON.stringify(r)}`);
  return r.ok ? [] : r.reasons;
}

/** Rule names (the part before the colon) of a list of reasons. */
const rules = (reasons: string[]) => reasons.map((r) => r.split(':')[0]);

function ctx(method: Method, domain: Domain, maxInstanceTokens = 4096): ValidationContext {
  const t = loadTemplate(path.join(REPO_ROOT, 'prompts', `${method}.${domain}.txt`), method, defaultPlaceholders(method), 3);
  return { method, domain, leakMarkers: leakMarkers(t), maxInstanceTokens };
}

const MATH_OK = 'We add: 2 + 2 = 4.\n[RESULT] 4 [/RESULT]';
const CODE_OK = '```python\ndef add(a, b):\n    return a + b\n```';

describe('parseOutput', () => {
  describe('truncation and empty output', () => {
    const good = 'What is 2+2?\nOUTPUT: 4\n[END]';

    it('an output that hit max_tokens is rejected as truncated', () => {
      const reasons = failed(parseOutput('instance_generation', { text: good, finishReason: 'length' }, IG));
      assert.deepEqual(rules(reasons), ['truncated']);
      assert.equal(parseOutput('instance_generation', stop(good), IG).ok, true);
      assert.equal(parseOutput('instance_generation', { text: good, finishReason: 'other' }, IG).ok, true);
    });

    it('an empty or whitespace-only output is empty-output', () => {
      assert.deepEqual(rules(failed(parseOutput('instance_generation', stop(''), IG))), ['empty-output']);
      assert.deepEqual(rules(failed(parseOutput('response_generation', stop('  \n\t '), RG, 'q'))), ['empty-output']);
      // nothing before the stop phrase is empty too
      assert.deepEqual(rules(failed(parseOutput('instance_generation', stop('[END]\nINPUT: later\nOUTPUT: x'), IG))), ['empty-output']);
    });
  });

  describe('instance generation', () => {
    it('splits instruction and response at OUTPUT: and stops at [END]', () => {
      const r = parseOutput('instance_generation', stop('  What is 2+2?\nOUTPUT: It is 4.\n[END]\n\n[EXAMPLE 4]\nINPUT: more\nOUTPUT: more'), IG);
      assert.deepEqual(r, { ok: true, instruction: 'What is 2+2?', response: 'It is 4.' });
    });

    it('takes the instruction after a repeated INPUT: (and drops a preamble before it)', () => {
      const r = parseOutput('instance_generation', stop('Sure, here it is.\nINPUT: Find x.\nOUTPUT: x = 1'), IG);
      assert.deepEqual(r, { ok: true, instruction: 'Find x.', response: 'x = 1' });
    });

    it('without an OUTPUT: trigger the output is rejected, naming the trigger', () => {
      const reasons = failed(parseOutput('instance_generation', stop('What is 2+2?\nThe answer is 4.\n[END]'), IG));
      assert.deepEqual(rules(reasons), ['no-output-trigger']);
      assert.ok(reasons[0]?.includes('"OUTPUT:"'));
    });

    it('an OUTPUT: that only appears after the stop phrase does not count', () => {
      assert.deepEqual(rules(failed(parseOutput('instance_generation', stop('What is 2+2?\n[END]\nOUTPUT: 4'), IG))), ['no-output-trigger']);
    });
  });

  describe('quality enhancement', () => {
    it('splits at "Revised Answer:"', () => {
      const r = parseOutput('quality_enhancement', stop('What is the sum of 2 and 2?\n\nRevised Answer: 2 + 2 = 4.\n[RESULT] 4 [/RESULT] [END]'), QE);
      assert.deepEqual(r, { ok: true, instruction: 'What is the sum of 2 and 2?', response: '2 + 2 = 4.\n[RESULT] 4 [/RESULT]' });
    });

    it('without "Revised Answer:" the output is rejected, naming that trigger', () => {
      const reasons = failed(parseOutput('quality_enhancement', stop('What is the sum?\nOUTPUT: 4\n[END]'), QE));
      assert.deepEqual(rules(reasons), ['no-output-trigger']);
      assert.ok(reasons[0]?.includes('"Revised Answer:"'));
    });

    it('strips a repeated "Revised Question:" from the instruction', () => {
      const r = parseOutput('quality_enhancement', stop('Revised Question: Why?\nRevised Answer: Because.'), QE);
      assert.deepEqual(r, { ok: true, instruction: 'Why?', response: 'Because.' });
    });
  });

  describe('response generation', () => {
    it('keeps the given instruction and takes the whole output as the response', () => {
      const r = parseOutput('response_generation', stop('Step 1.\nStep 2.\n[RESULT] 3 [/RESULT]\n[END]'), RG, 'Given question');
      assert.deepEqual(r, { ok: true, instruction: 'Given question', response: 'Step 1.\nStep 2.\n[RESULT] 3 [/RESULT]' });
    });

    it('drops a repeated OUTPUT: trigger the model wrote first', () => {
      const r = parseOutput('response_generation', stop('OUTPUT: The answer.\n[END]'), RG, 'q');
      assert.deepEqual(r, { ok: true, instruction: 'q', response: 'The answer.' });
    });

    it('does not need an OUTPUT: trigger (no no-output-trigger rule)', () => {
      assert.equal(parseOutput('response_generation', stop('Just the answer'), RG, 'q').ok, true);
    });
  });

  describe('post-processing (clean)', () => {
    it('strips triggers and the stop phrase at either end, repeatedly, and trims', () => {
      assert.equal(clean('INPUT: foo', IG), 'foo');
      assert.equal(clean('foo\n[END]', IG), 'foo');
      assert.equal(clean('  OUTPUT: INPUT: foo OUTPUT: [END]  ', IG), 'foo');
      assert.equal(clean('Revised Answer: x\nRevised Question:', QE), 'x');
    });

    it('keeps markers in the middle of the text', () => {
      assert.equal(clean('a INPUT: b [END] c', IG), 'a INPUT: b [END] c');
      assert.equal(clean('foo', IG), 'foo');
    });

    it('is applied to parsed fields', () => {
      const r = parseOutput('instance_generation', stop('INPUT: INPUT: q OUTPUT:\nOUTPUT: OUTPUT: a'), IG);
      assert.equal(r.ok, true);
      if (r.ok) {
        assert.equal(r.instruction, 'q');
        assert.equal(r.response, 'a');
      }
    });
  });
});

describe('validateInstance', () => {
  const igMath = ctx('instance_generation', 'math');
  const igCode = ctx('instance_generation', 'code');
  const igIf = ctx('instance_generation', 'instruction_following');
  const rgIf = ctx('response_generation', 'instruction_following');
  const qeCode = ctx('quality_enhancement', 'code');

  it('accepts a valid instance of each domain', () => {
    assert.deepEqual(validateInstance('What is 2 + 2?', MATH_OK, igMath), []);
    assert.deepEqual(validateInstance('Write add(a, b).', CODE_OK, igCode), []);
    assert.deepEqual(validateInstance('Write a haiku about rain.', 'Rain on the rooftop\nsoft drums for a sleeping town\nmorning smells of earth', igIf), []);
    assert.deepEqual(validateInstance('Write add(a, b) with tests.', '```python\ndef add(a, b):\n    return a + b\n\nassert add(1, 2) == 3\n```', qeCode), []);
  });

  it('empty instruction / empty response', () => {
    assert.deepEqual(rules(validateInstance('   ', 'An answer.', igIf)), ['empty-instruction']);
    assert.deepEqual(rules(validateInstance('A question?', '\n', igIf)), ['empty-response']);
    assert.deepEqual(rules(validateInstance('', '', igIf)), ['empty-instruction', 'empty-response']);
  });

  describe('leaks', () => {
    const markers = igIf.leakMarkers;
    it('checks a known, complete marker list', () => {
      for (const m of ['INPUT:', 'OUTPUT:', '[END]', '<input>', '<output>', '<input_theme>', '<first_word>', '<input1>', '<output3>']) assert.ok(markers.includes(m), m);
    });

    for (const m of ['INPUT:', 'OUTPUT:', '[END]', '<input>', '<output>', '<input_theme>', '<first_word>', '<input1>', '<output2>']) {
      it(`"${m}" in the instruction or the response is a leak`, () => {
        assert.deepEqual(validateInstance(`Tell me about ${m} please.`, 'Sure.', igIf), [`leak: the instruction contains the marker "${m}"`]);
        assert.deepEqual(validateInstance('Tell me.', `Here: ${m} done.`, igIf), [`leak: the response contains the marker "${m}"`]);
      });
    }

    it('response generation only checks the response (the instruction comes from the seeds)', () => {
      assert.deepEqual(validateInstance('Explain INPUT: and <input1>', 'An answer.', rgIf), []);
      assert.deepEqual(rules(validateInstance('Explain it', 'An answer. OUTPUT: more', rgIf)), ['leak']);
    });

    it('quality enhancement leaks are its own triggers', () => {
      const qeIf = ctx('quality_enhancement', 'instruction_following');
      assert.deepEqual(validateInstance('Q', 'A Revised Question: B', qeIf), ['leak: the response contains the marker "Revised Question:"']);
    });
  });

  describe('math', () => {
    it('no [RESULT] at all', () => {
      const r = validateInstance('What is 2 + 2?', 'It is 4.', igMath);
      assert.deepEqual(rules(r), ['math-result-count']);
      assert.match(r[0] ?? '', /found 0 \[RESULT\] and 0 \[\/RESULT\]/);
    });

    it('two [RESULT] blocks', () => {
      const r = validateInstance('What is 2 + 2?', '[RESULT] 3 [/RESULT]\nNo wait.\n[RESULT] 4 [/RESULT]', igMath);
      assert.deepEqual(rules(r), ['math-result-count']);
      assert.match(r[0] ?? '', /found 2 \[RESULT\] and 2/);
    });

    it('an unclosed [RESULT]', () => {
      assert.deepEqual(rules(validateInstance('What is 2 + 2?', 'So: [RESULT] 4', igMath)), ['math-result-count']);
    });

    it('[/RESULT] not at the end', () => {
      assert.deepEqual(rules(validateInstance('What is 2 + 2?', '[RESULT] 4 [/RESULT]\nHope this helps!', igMath)), ['math-result-not-last']);
      // trailing whitespace is fine
      assert.deepEqual(validateInstance('What is 2 + 2?', `${MATH_OK}\n\n  `, igMath), []);
    });

    it('an empty result', () => {
      assert.deepEqual(rules(validateInstance('What is 2 + 2?', 'Hmm.\n[RESULT]   [/RESULT]', igMath)), ['math-empty-result']);
    });

    it('a proof must end with Q.E.D.', () => {
      const r = validateInstance('Prove that the sum of two even numbers is even.', '2a + 2b = 2(a + b).\n[RESULT] even [/RESULT]', igMath);
      assert.deepEqual(rules(r), ['math-proof-without-qed']);
      assert.ok(r[0]?.includes('"even"'));
      assert.deepEqual(validateInstance('Prove that the sum of two even numbers is even.', '2a + 2b = 2(a + b).\n[RESULT] Q.E.D. [/RESULT]', igMath), []);
      assert.deepEqual(validateInstance('Show that 1 < 2.', 'Trivially.\n[RESULT] QED [/RESULT]', igMath), []);
      assert.deepEqual(rules(validateInstance('show that 1 < 2.', 'Trivially.\n[RESULT] 1 [/RESULT]', igMath)), ['math-proof-without-qed']);
    });

    it('math rules apply to the response only in the math domain', () => {
      assert.deepEqual(validateInstance('What is 2 + 2?', 'It is 4.', igIf), []);
    });
  });

  describe('code', () => {
    it('an odd number of fences', () => {
      const r = validateInstance('Write add.', '```python\ndef add(a, b):\n    return a + b', igCode);
      assert.ok(rules(r).includes('code-fence-unbalanced'), JSON.stringify(r));
      assert.match(r.find((x) => x.startsWith('code-fence-unbalanced')) ?? '', /1 code fences/);
    });

    it('text before or after the block', () => {
      assert.deepEqual(rules(validateInstance('Write add.', `Solution:\n${CODE_OK}`, igCode)), ['code-not-single-block']);
      assert.deepEqual(rules(validateInstance('Write add.', `${CODE_OK}\nDone.`, igCode)), ['code-not-single-block']);
      // surrounding whitespace is not "text"
      assert.deepEqual(validateInstance('Write add.', `\n  ${CODE_OK}\n\n`, igCode), []);
    });

    it('two blocks', () => {
      const r = validateInstance('Write add.', `${CODE_OK}\n\n${CODE_OK}`, igCode);
      assert.deepEqual(r, ['code-not-single-block: 2 code blocks, expected one']);
    });

    for (const phrase of CODE_FORBIDDEN_PHRASES) {
      it(`"${phrase}" is forbidden outside the block and fine inside it`, () => {
        const capitalised = phrase[0]?.toUpperCase() + phrase.slice(1);
        const outside = validateInstance('Write add.', `${CODE_OK}\n${capitalised}: add(1, 2)`, igCode);
        assert.ok(outside.includes(`code-forbidden-phrase: "${phrase}" outside the code block`), JSON.stringify(outside));
        const inside = '```python\n# ' + capitalised + ': add(1, 2)\ndef add(a, b):\n    return a + b\n```';
        assert.deepEqual(validateInstance('Write add.', inside, igCode), []);
      });
    }

    it('quality enhancement code needs assertion tests inside the block', () => {
      assert.deepEqual(rules(validateInstance('Write add.', CODE_OK, qeCode)), ['code-missing-tests']);
      const withAssert = '```python\ndef add(a, b):\n    return a + b\nassert add(2, 2) == 4\n```';
      assert.deepEqual(validateInstance('Write add.', withAssert, qeCode), []);
      const unittest = '```python\nclass T(unittest.TestCase):\n    def test(self):\n        self.assertEqual(add(1, 1), 2)\n```';
      assert.deepEqual(validateInstance('Write add.', unittest, qeCode), []);
      // an assert outside the block does not count (and is text outside the block)
      assert.deepEqual(rules(validateInstance('Write add.', `${CODE_OK}\nassert add(1, 1) == 2`, qeCode)).sort(), ['code-missing-tests', 'code-not-single-block']);
      // instance generation does not need tests
      assert.deepEqual(validateInstance('Write add.', CODE_OK, igCode), []);
    });
  });

  describe('tokens', () => {
    it('countTokens uses the real cl100k_base tokenizer', () => {
      assert.equal(countTokens('hello world'), 2);
      assert.equal(countTokens(''), 0);
      assert.equal(countTokens(' hello'.repeat(100)), 100);
      const n = countTokens('The quick brown fox jumps over the lazy dog.');
      assert.ok(n >= 8 && n <= 12, String(n));
    });

    it('chatTokens adds a fixed chat-format overhead to both fields', () => {
      const overhead = chatTokens('', '');
      assert.ok(overhead > 0);
      assert.equal(chatTokens('hello world', ' hello'.repeat(10)), overhead + 2 + 10);
    });

    it('too-long: the limit is on instruction + response in chat format, inclusive', () => {
      const instruction = 'Summarise the following text.';
      const response = ' hello'.repeat(300);
      const n = chatTokens(instruction, response);
      assert.deepEqual(validateInstance(instruction, response, ctx('instance_generation', 'instruction_following', n)), []);
      const r = validateInstance(instruction, response, ctx('instance_generation', 'instruction_following', n - 1));
      assert.deepEqual(r, [`too-long: ${n} tokens in chat format, limit ${n - 1}`]);
    });

    it('too-long with the paper limit of 4096 tokens', () => {
      const response = ' hello'.repeat(4100);
      const r = validateInstance('Say hello many times.', response, igIf);
      assert.deepEqual(rules(r), ['too-long']);
      assert.ok(Number(/(\d+) tokens/.exec(r[0] ?? '')?.[1]) > 4100);
      assert.deepEqual(validateInstance('Say hello many times.', ' hello'.repeat(4000), igIf), []);
    });
  });

  it('collects every broken rule at once', () => {
    const r = validateInstance('', 'OUTPUT: it is 4', igMath);
    assert.deepEqual(rules(r), ['empty-instruction', 'leak', 'math-result-count']);
    const c = validateInstance('Write add. [END]', `Here is the code:\n${CODE_OK}\n${CODE_OK}\nThis function adds.`, igCode);
    assert.deepEqual(rules(c), ['leak', 'code-not-single-block', 'code-forbidden-phrase', 'code-forbidden-phrase']);
  });
});
