import * as assert from 'node:assert/strict';
import { defaultPlaceholders } from '../../src/core/config/defaults';
import { clean, parseOutput, type ParseResult, type RawOutput } from '../../src/core/generation/parse';
import { PAPER_CODE_PHRASES, STRICT_CODE_PHRASES, paperLeakMarkers, validateInstance, type ValidationContext, type ValidationProfile } from '../../src/core/generation/validate';
import type { Domain, Method } from '../../src/core/types';

const IG = defaultPlaceholders('instance_generation');
const RG = defaultPlaceholders('response_generation');
const QE = defaultPlaceholders('quality_enhancement');

const stop = (text: string): RawOutput => ({ text, finishReason: 'stop' });

function failed(r: ParseResult): string[] {
  assert.equal(r.ok, false, `expected a parse failure, got ${JSON.stringify(r)}`);
  return r.ok ? [] : r.reasons;
}

/** Rule names of a list of reasons (`rule (profile): detail` -> `rule`). */
const rules = (reasons: string[]) => reasons.map((r) => r.replace(/ \((paper|strict)\):.*$/s, ''));

function ctx(method: Method, domain: Domain, profile: ValidationProfile, maxInstanceTokens = 4096): ValidationContext {
  return { method, domain, profile, placeholders: defaultPlaceholders(method), maxInstanceTokens };
}

const MATH_OK = 'We add: 2 + 2 = 4.\n[RESULT] 4 [/RESULT]';
const CODE_OK = '```python\ndef add(a, b):\n    return a + b\n```';

describe('parseOutput', () => {
  describe('finish (both profiles, as the released pipeline)', () => {
    const good = 'What is 2+2?\nOUTPUT: 4';
    for (const profile of ['paper', 'strict'] as const) {
      it(`${profile}: a stop is finished; max_tokens or another end is not, unless the text ends with the stop phrase`, () => {
        assert.equal(parseOutput('instance_generation', stop(good), IG, profile).ok, true);
        const truncated = failed(parseOutput('instance_generation', { text: good, finishReason: 'length' }, IG, profile));
        assert.deepEqual(truncated, [`unfinished (${profile}): the output hit max_tokens before the stop phrase`]);
        assert.deepEqual(rules(failed(parseOutput('instance_generation', { text: good, finishReason: 'other' }, IG, profile))), ['unfinished']);
        // the stop phrase written out (a provider that does not cut at stop sequences) counts as finished
        assert.equal(parseOutput('instance_generation', { text: `${good}\n[END]`, finishReason: 'length' }, IG, profile).ok, true);
      });
    }

    it('paper checks `endswith` on the raw text; strict forgives trailing whitespace', () => {
      const text = 'Q\nOUTPUT: A\n[END]\n';
      assert.equal(parseOutput('instance_generation', { text, finishReason: 'length' }, IG, 'paper').ok, false);
      assert.equal(parseOutput('instance_generation', { text, finishReason: 'length' }, IG, 'strict').ok, true);
    });
  });

  describe('paper: the released split', () => {
    const paper = (method: Method, text: string, p = IG, given?: string) => parseOutput(method, stop(text), p, 'paper', given);

    it('instruction between the last INPUT: and the next OUTPUT:, response after the last OUTPUT: up to [END]', () => {
      assert.deepEqual(paper('instance_generation', '  What is 2+2?\nOUTPUT: It is 4.\n[END]\nmore'), { ok: true, instruction: 'What is 2+2?', response: 'It is 4.' });
      assert.deepEqual(paper('instance_generation', 'Sure.\nINPUT: Find x.\nOUTPUT: x = 1'), { ok: true, instruction: 'Find x.', response: 'x = 1' });
      // two OUTPUT: triggers: the response is what follows the last one
      assert.deepEqual(paper('instance_generation', 'Q\nOUTPUT: first\nOUTPUT: second'), { ok: true, instruction: 'Q', response: 'second' });
      // the stop phrase cuts the response, not the instruction
      assert.deepEqual(paper('instance_generation', 'Q [END] more\nOUTPUT: A'), { ok: true, instruction: 'Q [END] more', response: 'A' });
    });

    it('never rejects at this stage: no OUTPUT: gives the whole text as both fields, an empty output gives empty fields', () => {
      assert.deepEqual(paper('instance_generation', 'What is 2+2? It is 4.'), { ok: true, instruction: 'What is 2+2? It is 4.', response: 'What is 2+2? It is 4.' });
      assert.deepEqual(paper('instance_generation', ''), { ok: true, instruction: '', response: '' });
    });

    it('quality enhancement splits at its own triggers', () => {
      assert.deepEqual(paper('quality_enhancement', 'What is 2+2?\n\nRevised Answer: 4\n[RESULT] 4 [/RESULT] [END]', QE), {
        ok: true,
        instruction: 'What is 2+2?',
        response: '4\n[RESULT] 4 [/RESULT]',
      });
    });

    it('response generation keeps the seed instruction and takes what follows the last OUTPUT:', () => {
      assert.deepEqual(paper('response_generation', 'OUTPUT: The answer. [END]', RG, 'seed q'), { ok: true, instruction: 'seed q', response: 'The answer.' });
      assert.deepEqual(paper('response_generation', 'Just this', RG, 'seed q'), { ok: true, instruction: 'seed q', response: 'Just this' });
    });
  });

  describe('strict', () => {
    const strict = (method: Method, text: string, p = IG, given?: string) => parseOutput(method, stop(text), p, 'strict', given);

    it('an empty output, or nothing before the stop phrase, is empty-output', () => {
      assert.deepEqual(rules(failed(strict('instance_generation', ''))), ['empty-output']);
      assert.deepEqual(rules(failed(strict('response_generation', '  \n\t ', RG, 'q'))), ['empty-output']);
      assert.deepEqual(rules(failed(strict('instance_generation', '[END]\nINPUT: later\nOUTPUT: x'))), ['empty-output']);
    });

    it('splits at the first OUTPUT: and stops at the first [END]', () => {
      assert.deepEqual(strict('instance_generation', '  What is 2+2?\nOUTPUT: It is 4.\n[END]\n\n[EXAMPLE 4]\nINPUT: more\nOUTPUT: more'), {
        ok: true,
        instruction: 'What is 2+2?',
        response: 'It is 4.',
      });
      assert.deepEqual(strict('instance_generation', 'Sure, here it is.\nINPUT: Find x.\nOUTPUT: x = 1'), { ok: true, instruction: 'Find x.', response: 'x = 1' });
    });

    it('without the output trigger the output is rejected, naming the trigger', () => {
      const reasons = failed(strict('instance_generation', 'What is 2+2?\nThe answer is 4.\n[END]'));
      assert.deepEqual(rules(reasons), ['no-output-trigger']);
      assert.ok(reasons[0]?.includes('"OUTPUT:"'));
      assert.deepEqual(rules(failed(strict('instance_generation', 'What is 2+2?\n[END]\nOUTPUT: 4'))), ['no-output-trigger']);
      const qe = failed(strict('quality_enhancement', 'What is the sum?\nOUTPUT: 4\n[END]', QE));
      assert.ok(qe[0]?.includes('"Revised Answer:"'));
    });

    it('quality enhancement: strips a repeated "Revised Question:"', () => {
      assert.deepEqual(strict('quality_enhancement', 'Revised Question: Why?\nRevised Answer: Because.', QE), { ok: true, instruction: 'Why?', response: 'Because.' });
    });

    it('response generation: keeps the given instruction, drops a repeated OUTPUT:, needs no trigger', () => {
      assert.deepEqual(strict('response_generation', 'Step 1.\n[RESULT] 3 [/RESULT]\n[END]', RG, 'Given'), { ok: true, instruction: 'Given', response: 'Step 1.\n[RESULT] 3 [/RESULT]' });
      assert.deepEqual(strict('response_generation', 'OUTPUT: The answer.\n[END]', RG, 'q'), { ok: true, instruction: 'q', response: 'The answer.' });
      assert.equal(strict('response_generation', 'Just the answer', RG, 'q').ok, true);
    });

    it('clean strips triggers and the stop phrase at either end, repeatedly, and keeps them in the middle', () => {
      assert.equal(clean('INPUT: foo', IG), 'foo');
      assert.equal(clean('  OUTPUT: INPUT: foo OUTPUT: [END]  ', IG), 'foo');
      assert.equal(clean('Revised Answer: x\nRevised Question:', QE), 'x');
      assert.equal(clean('a INPUT: b [END] c', IG), 'a INPUT: b [END] c');
      assert.deepEqual(strict('instance_generation', 'INPUT: INPUT: q OUTPUT:\nOUTPUT: OUTPUT: a'), { ok: true, instruction: 'q', response: 'a' });
    });
  });
});

describe('validateInstance, paper profile (the released rules)', () => {
  // Cases written from reading the released validators: validate_forbidden_keywords (lower-cased
  // substring search of the placeholder table's values in the response), validate_keywords
  // (exact counts, startswith/endswith), the code validator's fence and phrase checks, and
  // validate_length (Llama-3 chat format, <= max_tokens).
  const v = (method: Method, domain: Domain, instruction: string, response: string, max = 4096) => validateInstance(instruction, response, ctx(method, domain, 'paper', max));

  describe('leaks: the response only, any case, the markers of the setting', () => {
    it('lists the placeholder table of each setting', () => {
      assert.deepEqual(paperLeakMarkers(IG, 'instance_generation', 'math'), ['<input@>', '<output@>', '<input>', '<output>', 'INPUT:', 'OUTPUT:', '[END]', '<input_theme>']);
      assert.deepEqual(paperLeakMarkers(IG, 'instance_generation', 'instruction_following'), ['<input@>', '<output@>', '<input>', '<output>', 'INPUT:', 'OUTPUT:', '[END]', '<input_theme>', '<first_word>']);
      assert.deepEqual(paperLeakMarkers(QE, 'quality_enhancement', 'code'), ['<input@>', '<output@>', '<input>', '<output>', 'Revised Question:', 'Revised Answer:', '[END]', '<input_theme>']);
    });

    it('rejects a marker in the response in any case', () => {
      assert.deepEqual(rules(v('instance_generation', 'instruction_following', 'Q', 'See the output: below')), ['leak']);
      assert.deepEqual(rules(v('instance_generation', 'instruction_following', 'Q', 'def f(input: str): pass')), ['leak']);
      assert.deepEqual(rules(v('instance_generation', 'instruction_following', 'Q', 'Use <FIRST_WORD> here')), ['leak']);
      assert.deepEqual(rules(v('quality_enhancement', 'instruction_following', 'Q', 'revised answer: again')), ['leak']);
    });

    it('accepts markers in the instruction, numbered demonstration slots, and other settings\' markers', () => {
      assert.deepEqual(v('instance_generation', 'instruction_following', 'Explain INPUT: and OUTPUT:', 'Sure.'), []);
      assert.deepEqual(v('instance_generation', 'instruction_following', 'Q', 'copied <input1> and <output2>'), []);
      assert.deepEqual(v('instance_generation', 'math', 'Q', `mentions <first_word>\n${MATH_OK}`), []);
      // quality enhancement has its own triggers instead of INPUT:/OUTPUT:
      assert.deepEqual(v('quality_enhancement', 'instruction_following', 'Q', 'Input: 3, output: 4'), []);
    });
  });

  describe('math: exactly one [RESULT] and one [/RESULT], ending with [/RESULT]', () => {
    it('accepts', () => {
      assert.deepEqual(v('instance_generation', 'math', 'What is 2 + 2?', MATH_OK), []);
      // an empty result and a proof without Q.E.D. pass: the released check does not look inside
      assert.deepEqual(v('instance_generation', 'math', 'What is 2 + 2?', 'Hmm.\n[RESULT]   [/RESULT]'), []);
      assert.deepEqual(v('instance_generation', 'math', 'Prove that 1 < 2.', 'Trivially.\n[RESULT] 1 [/RESULT]'), []);
      // several results in one pair (multi-part questions)
      assert.deepEqual(v('quality_enhancement', 'math', 'Find x and y.', 'Solving.\n[RESULT] x = 1, y = 2 [/RESULT]'), []);
    });

    it('rejects', () => {
      assert.deepEqual(rules(v('instance_generation', 'math', 'Q', 'It is 4.')), ['math-result-count', 'math-result-not-last']);
      assert.deepEqual(rules(v('instance_generation', 'math', 'Q', '[RESULT] 3 [/RESULT]\nNo.\n[RESULT] 4 [/RESULT]')), ['math-result-count']);
      assert.deepEqual(rules(v('instance_generation', 'math', 'Q', 'So: [RESULT] 4')), ['math-result-count', 'math-result-not-last']);
      assert.deepEqual(rules(v('instance_generation', 'math', 'Q', '[RESULT] 4 [/RESULT]\nHope this helps!')), ['math-result-not-last']);
      // case matters: the released count is exact
      assert.deepEqual(rules(v('instance_generation', 'math', 'Q', 'x\n[result] 4 [/result]')), ['math-result-count', 'math-result-not-last']);
    });
  });

  describe('code: even fences, starts and ends with a fence, no prose phrase outside the blocks', () => {
    it('accepts', () => {
      assert.deepEqual(v('instance_generation', 'code', 'Write add.', CODE_OK), []);
      // two blocks, "here is" between them, no tests in quality enhancement: all pass the released check
      assert.deepEqual(v('instance_generation', 'code', 'Write add.', `${CODE_OK}\nHere is another:\n${CODE_OK}`), []);
      assert.deepEqual(v('quality_enhancement', 'code', 'Write add.', CODE_OK), []);
      // phrases inside a block are code
      assert.deepEqual(v('instance_generation', 'code', 'Write add.', '```python\n# Test cases: none\ndef f():\n    pass\n```'), []);
    });

    it('rejects', () => {
      assert.deepEqual(rules(v('instance_generation', 'code', 'Write add.', '```python\ndef add(a, b):\n    return a + b')), ['code-fence-unbalanced', 'code-not-fenced']);
      assert.deepEqual(rules(v('instance_generation', 'code', 'Write add.', `Solution:\n${CODE_OK}`)), ['code-not-fenced']);
      // the released check is exact (the parser trims before it, so this only matters for other callers)
      assert.deepEqual(rules(v('instance_generation', 'code', 'Write add.', `${CODE_OK}\n`)), ['code-not-fenced']);
      assert.deepEqual(rules(v('response_generation', 'code', 'Write add.', 'Please provide the code you want fixed.')), ['code-not-fenced']);
    });

    for (const phrase of PAPER_CODE_PHRASES) {
      it(`"${phrase}" outside a block is rejected in any case`, () => {
        const upper = phrase.toUpperCase();
        assert.deepEqual(rules(v('instance_generation', 'code', 'Write add.', `${CODE_OK}\n${upper}\n${CODE_OK}`)), ['code-forbidden-phrase']);
      });
    }

    it('the phrases strict adds are not checked', () => {
      for (const phrase of STRICT_CODE_PHRASES) assert.deepEqual(v('instance_generation', 'code', 'Write add.', `${CODE_OK}\n${phrase}\n${CODE_OK}`), []);
    });
  });

  it('instruction following and empty fields: only leaks and length are checked', () => {
    assert.deepEqual(v('instance_generation', 'instruction_following', '', ''), []);
    assert.deepEqual(v('response_generation', 'instruction_following', 'Q', 'Any answer at all.'), []);
  });

  it('every reason names the profile', () => {
    const r = v('instance_generation', 'math', 'Q', 'OUTPUT: 4');
    assert.ok(r.length > 0);
    for (const x of r) assert.match(x, /^[a-z-]+ \(paper\): /);
  });
});

describe('validateInstance, strict profile (paper rules and more)', () => {
  const v = (method: Method, domain: Domain, instruction: string, response: string) => validateInstance(instruction, response, ctx(method, domain, 'strict'));

  it('accepts a valid instance of each domain', () => {
    assert.deepEqual(v('instance_generation', 'math', 'What is 2 + 2?', MATH_OK), []);
    assert.deepEqual(v('instance_generation', 'code', 'Write add(a, b).', CODE_OK), []);
    assert.deepEqual(v('instance_generation', 'instruction_following', 'Write a haiku about rain.', 'Rain on the rooftop\nsoft drums for a sleeping town'), []);
    assert.deepEqual(v('quality_enhancement', 'code', 'Write add with tests.', '```python\ndef add(a, b):\n    return a + b\n\nassert add(1, 2) == 3\n```'), []);
  });

  it('rejects everything paper rejects', () => {
    assert.deepEqual(rules(v('instance_generation', 'instruction_following', 'Q', 'def f(input: str): pass')), ['leak']);
    assert.deepEqual(rules(v('instance_generation', 'math', 'Q', '[RESULT] 4 [/RESULT]\nHope this helps!')), ['math-result-not-last']);
    assert.deepEqual(rules(v('instance_generation', 'code', 'Write add.', `Solution:\n${CODE_OK}`)), ['code-not-fenced']);
  });

  it('empty instruction / empty response', () => {
    assert.deepEqual(rules(v('instance_generation', 'instruction_following', '   ', 'An answer.')), ['empty-instruction']);
    assert.deepEqual(rules(v('instance_generation', 'instruction_following', '', '')), ['empty-instruction', 'empty-response']);
  });

  it('leaks: numbered slots and every marker in the response; exact-case markers in the instruction', () => {
    assert.deepEqual(rules(v('instance_generation', 'math', 'Q', `copied <input12>\n${MATH_OK}`)), ['leak']);
    assert.deepEqual(rules(v('instance_generation', 'math', 'Q', `mentions <first_word>\n${MATH_OK}`)), ['leak']);
    assert.deepEqual(rules(v('instance_generation', 'instruction_following', 'Explain OUTPUT: here', 'Sure.')), ['leak']);
    assert.deepEqual(rules(v('instance_generation', 'instruction_following', 'Use <output3>', 'Sure.')), ['leak']);
    // a programming task's "Input:"/"Output:" examples are not the trigger
    assert.deepEqual(v('instance_generation', 'instruction_following', 'Input: [1, 2]\nOutput: 3', 'Sum them.'), []);
    // response generation's instruction is a seed and is not checked
    assert.deepEqual(v('response_generation', 'instruction_following', 'Explain INPUT: and <input1>', 'An answer.'), []);
  });

  it('math: an empty result, a proof without Q.E.D.', () => {
    assert.deepEqual(rules(v('instance_generation', 'math', 'Q', 'Hmm.\n[RESULT]   [/RESULT]')), ['math-empty-result']);
    const r = v('instance_generation', 'math', 'Prove that the sum of two even numbers is even.', '2a + 2b = 2(a + b).\n[RESULT] even [/RESULT]');
    assert.deepEqual(rules(r), ['math-proof-without-qed']);
    assert.deepEqual(v('instance_generation', 'math', 'Show that 1 < 2.', 'Trivially.\n[RESULT] QED [/RESULT]'), []);
  });

  it('code: one block only, the extra phrases, and assertion tests in quality enhancement', () => {
    assert.deepEqual(v('instance_generation', 'code', 'Write add.', `${CODE_OK}\n\n${CODE_OK}`), ['code-not-single-block (strict): 2 code blocks, expected one']);
    for (const phrase of STRICT_CODE_PHRASES) {
      assert.ok(rules(v('instance_generation', 'code', 'Write add.', `${CODE_OK}\n${phrase}\n${CODE_OK}`)).includes('code-forbidden-phrase'), phrase);
    }
    assert.deepEqual(rules(v('quality_enhancement', 'code', 'Write add.', CODE_OK)), ['code-missing-tests']);
    assert.deepEqual(v('quality_enhancement', 'code', 'Write add.', '```python\nclass T(unittest.TestCase):\n    def test(self):\n        self.assertEqual(add(1, 1), 2)\n```'), []);
    assert.deepEqual(v('instance_generation', 'code', 'Write add.', CODE_OK), []);
  });

  it('every reason names the profile', () => {
    const r = v('instance_generation', 'code', '', `Here is the code:\n${CODE_OK}\n${CODE_OK}\nThis function adds.`);
    assert.deepEqual(rules(r), ['empty-instruction', 'code-forbidden-phrase', 'code-forbidden-phrase', 'code-not-fenced']);
    for (const x of r) assert.match(x, /^[a-z-]+ \(strict\): /);
  });
});
