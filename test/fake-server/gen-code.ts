/** Code items: a small Python function task; answers are one ```python block and nothing else. */
import type { Rng } from './rng';
import { ADJECTIVES, ITEMS, NOUNS } from './wordbank';

export interface CodeTask {
  instruction: string;
  /** Function source, without fences. */
  code: string;
  /** `assert` lines whose expected values were computed here, so they really pass in Python. */
  tests: string[];
}

/** Python literal for the simple values the tasks use. */
function py(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(py).join(', ')}]`;
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}

function intList(rng: Rng, min: number, max: number): number[] {
  return Array.from({ length: rng.int(min, max) }, () => rng.int(1, 30));
}

type Builder = (rng: Rng) => CodeTask;

const BUILDERS: Builder[] = [
  (rng) => {
    const nums = intList(rng, 5, 8);
    const k = rng.int(2, 5);
    return {
      instruction: 'Write a Python function `sum_multiples(nums, k)` that returns the sum of all integers in the list `nums` that are divisible by `k`, returning 0 when there are none.',
      code: 'def sum_multiples(nums, k):\n    """Return the sum of the numbers in nums divisible by k."""\n    return sum(n for n in nums if n % k == 0)',
      tests: [
        `assert sum_multiples(${py(nums)}, ${k}) == ${nums.filter((n) => n % k === 0).reduce((a, b) => a + b, 0)}`,
        `assert sum_multiples([], ${k}) == 0`,
      ],
    };
  },
  (rng) => {
    const items = Array.from({ length: rng.int(5, 8) }, (_, i) => i + 1);
    const size = rng.int(2, 3);
    const chunks: number[][] = [];
    for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
    return {
      instruction: 'Write a Python function `chunk_list(items, size)` that splits a list into consecutive chunks of at most `size` elements and returns the list of chunks in their original order.',
      code: 'def chunk_list(items, size):\n    """Split items into consecutive chunks of at most size elements."""\n    return [items[i:i + size] for i in range(0, len(items), size)]',
      tests: [`assert chunk_list(${py(items)}, ${size}) == ${py(chunks)}`, `assert chunk_list([], ${size}) == []`],
    };
  },
  (rng) => {
    const text = `${rng.pick(ADJECTIVES)} ${rng.pick(ITEMS)}`;
    const vowels = [...text.toLowerCase()].filter((ch) => 'aeiou'.includes(ch)).length;
    return {
      instruction: 'Write a Python function `count_vowels(text)` that counts how many vowels (a, e, i, o, u) appear in a string, treating uppercase and lowercase letters the same way.',
      code: 'def count_vowels(text):\n    """Count the vowels in text, ignoring case."""\n    return sum(1 for ch in text.lower() if ch in "aeiou")',
      tests: [`assert count_vowels(${py(text)}) == ${vowels}`, `assert count_vowels(${py(text.toUpperCase())}) == ${vowels}`],
    };
  },
  (rng) => {
    const items = intList(rng, 4, 7);
    const k = rng.int(1, 9);
    const shift = k % items.length;
    const rotated = shift === 0 ? items : [...items.slice(-shift), ...items.slice(0, -shift)];
    return {
      instruction: 'Write a Python function `rotate_right(items, k)` that returns a new list with the elements of `items` rotated to the right by `k` positions, where `k` may exceed the length.',
      code: 'def rotate_right(items, k):\n    """Rotate items to the right by k positions."""\n    if not items:\n        return []\n    k %= len(items)\n    return items[-k:] + items[:-k]',
      tests: [`assert rotate_right(${py(items)}, ${k}) == ${py(rotated)}`, `assert rotate_right([], ${k}) == []`],
    };
  },
  (rng) => {
    const words = [rng.pick(ADJECTIVES), rng.pick(NOUNS), 'of', rng.pick(ITEMS), 'and', rng.pick(NOUNS)];
    const minLen = rng.int(4, 7);
    return {
      instruction: 'Write a Python function `long_words(sentence, min_len)` that returns, in their original order, the words of a sentence that contain at least `min_len` characters.',
      code: 'def long_words(sentence, min_len):\n    """Return the words of sentence with at least min_len characters, in order."""\n    return [w for w in sentence.split() if len(w) >= min_len]',
      tests: [`assert long_words(${py(words.join(' '))}, ${minLen}) == ${py(words.filter((w) => w.length >= minLen))}`],
    };
  },
  (rng) => {
    const nums = intList(rng, 4, 7);
    let acc = 0;
    const totals = nums.map((n) => (acc += n));
    return {
      instruction: 'Write a Python function `running_total(nums)` that returns a list in which each element is the sum of all the numbers in `nums` up to and including that position.',
      code: 'def running_total(nums):\n    """Return the running totals of nums."""\n    totals, acc = [], 0\n    for n in nums:\n        acc += n\n        totals.append(acc)\n    return totals',
      tests: [`assert running_total(${py(nums)}) == ${py(totals)}`, 'assert running_total([]) == []'],
    };
  },
];

export function codeTask(rng: Rng, theme?: string): CodeTask {
  const task = rng.pick(BUILDERS)(rng);
  return theme ? { ...task, instruction: `${task.instruction} The function will be part of a tool about ${theme}.` } : task;
}

/** Exactly one fenced block; `withTests` puts the asserts inside that same block. */
export function codeAnswer(task: CodeTask, withTests: boolean): string {
  const body = withTests ? `${task.code}\n\n\n${task.tests.join('\n')}` : task.code;
  return '```python\n' + body + '\n```';
}
