import * as assert from 'node:assert/strict';
import { defaultPlaceholders } from '../../src/core/config/defaults';
import { llama3ChatText, PAPER_LENGTH_CHECK_SYSTEM, STUDENT_SYSTEM_PROMPT } from '../../src/core/generation/chatFormat';
import { estimateTokens, fitsStudentTokens, instanceTokens, llama3Encode, llama3Tokens } from '../../src/core/generation/tokens';
import { validateInstance } from '../../src/core/generation/validate';

// Token ids published by others who ran Meta's Llama-3 tokenizer through Hugging Face
// `transformers` (apply_chat_template / encode); our tokenizer must reproduce them exactly.
const PUBLISHED: { what: string; text: string; ids: number[] }[] = [
  {
    what: 'Llama-3 chat format of the transformers chat-templating docs example (system + user, generation prompt), as pinned by a Java tokenizer test',
    text:
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a friendly chatbot who always responds in the style of a pirate<|eot_id|>' +
      '<|start_header_id|>user<|end_header_id|>\n\nHow many helicopters can a human eat in one sitting?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
    ids: [
      128000, 128006, 9125, 128007, 271, 2675, 527, 264, 11919, 6369, 6465, 889, 2744, 31680, 304, 279, 1742, 315, 264, 55066, 128009, 128006, 882, 128007, 271, 4438, 1690,
      59432, 649, 264, 3823, 8343, 304, 832, 11961, 30, 128009, 128006, 78191, 128007, 271,
    ],
  },
  {
    what: 'Llama-3 prompt of a fine-tuning test suite (system "sysinfo", user "Hello")',
    text: '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nsysinfo<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>',
    ids: [128000, 128006, 9125, 128007, 271, 7947, 2801, 128009, 128006, 882, 128007, 271, 9906, 128009],
  },
  {
    what: 'the assistant turn of the same test ("Hi!")',
    text: '<|start_header_id|>assistant<|end_header_id|>\n\nHi!<|eot_id|>',
    ids: [128006, 78191, 128007, 271, 13347, 0, 128009],
  },
  {
    what: 'Llama-3.2 chat template with its date header (an MLX chat example)',
    text:
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nYou are a helpful assistant.<|eot_id|>' +
      '<|start_header_id|>user<|end_header_id|>\n\nHi, how have you been?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
    ids: [
      128000, 128006, 9125, 128007, 271, 38766, 1303, 33025, 2696, 25, 6790, 220, 2366, 18, 198, 15724, 2696, 25, 220, 1627, 10263, 220, 2366, 19, 271, 2675, 527, 264, 11190,
      18328, 13, 128009, 128006, 882, 128007, 271, 13347, 11, 1268, 617, 499, 1027, 30, 128009, 128006, 78191, 128007, 271,
    ],
  },
  {
    what: 'Chinese text that needs the vocabulary Llama-3 adds beyond cl100k (ids above 100,256)',
    text:
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 23 Mar 2026\n\n你的名字是 Llama<|eot_id|>' +
      '<|start_header_id|>user<|end_header_id|>\n\n你是誰?<|eot_id|>',
    ids: [
      128000, 128006, 9125, 128007, 271, 38766, 1303, 33025, 2696, 25, 6790, 220, 2366, 18, 198, 15724, 2696, 25, 220, 1419, 2947, 220, 2366, 21, 271, 110310, 119395, 21043, 445,
      81101, 128009, 128006, 882, 128007, 271, 57668, 21043, 112832, 30, 128009,
    ],
  },
];

describe('Llama-3 token counts (the length rule)', () => {
  for (const c of PUBLISHED) {
    it(`reproduces published token ids: ${c.what}`, () => {
      assert.deepEqual(llama3Encode(c.text), c.ids);
      assert.equal(llama3Tokens(c.text), c.ids.length);
    });
  }

  it('counts Llama-3 tokens, not cl100k ones, where the two vocabularies differ', () => {
    const chinese = '你的名字是 Llama';
    assert.equal(llama3Tokens(chinese), 5);
    assert.ok(estimateTokens(chinese) > llama3Tokens(chinese), 'cl100k needs more tokens for this text');
  });

  it('renders the chat formats the rule counts in', () => {
    assert.equal(
      llama3ChatText(STUDENT_SYSTEM_PROMPT, 'Q', 'A'),
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a helpful AI assistant.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nQ<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nA<|eot_id|>',
    );
    // paper: the released check's system line, plus the BOS Hugging Face's encode adds in front
    assert.equal(instanceTokens('Q', 'A', 'paper'), llama3Tokens(llama3ChatText(PAPER_LENGTH_CHECK_SYSTEM, 'Q', 'A')) + 1);
    assert.equal(instanceTokens('Q', 'A', 'student'), llama3Tokens(llama3ChatText(STUDENT_SYSTEM_PROMPT, 'Q', 'A')));
    // "You are a helpful assistant" = 5 tokens + BOS; "You are a helpful AI assistant." = 7 tokens
    assert.equal(instanceTokens('Q', 'A', 'paper') - instanceTokens('Q', 'A', 'student'), 5 + 1 - 7);
  });

  it('fits by byte size without tokenizing when the text is short, and by tokens when it is long', () => {
    assert.deepEqual(fitsStudentTokens('Q', 'A', 4096, 'paper'), { fits: true });
    const long = ' hello'.repeat(2000); // 12,000 bytes, 2,000 tokens
    const r = fitsStudentTokens('Say hello.', long, 4096, 'student');
    assert.equal(r.fits, true);
    assert.equal(r.tokens, instanceTokens('Say hello.', long, 'student'));
  });

  for (const profile of ['paper', 'strict'] as const) {
    it(`${profile}: too-long at limit + 1, fits at the exact limit`, () => {
      const instruction = 'Summarise the following text.';
      const response = ' hello'.repeat(1500);
      const n = instanceTokens(instruction, response, profile === 'paper' ? 'paper' : 'student');
      const ctx = (max: number) => ({ method: 'instance_generation' as const, domain: 'instruction_following' as const, profile, placeholders: defaultPlaceholders('instance_generation'), maxInstanceTokens: max });
      assert.deepEqual(validateInstance(instruction, response, ctx(n)), []);
      const r = validateInstance(instruction, response, ctx(n - 1));
      assert.equal(r.length, 1);
      assert.match(r[0] ?? '', new RegExp(`^too-long \\(${profile}\\): ${n} Llama-3 tokens in .*, limit ${n - 1}$`));
    });
  }
});
