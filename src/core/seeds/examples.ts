// A starter seed file for a setting whose seed file does not exist yet: a few rows of the domain,
// in the file's format and under the field names the setting reads, so the loader accepts it as is.
import type { SeedSource } from '../config/types';
import type { Domain, Example } from '../types';
import { csvLine } from '../util/csvRecords';
import type { SeedFormat } from './parse';

/** Four rows: instance generation needs as many as its demonstrations (3 by default). */
const EXAMPLES: Record<Domain, Example[]> = {
  math: [
    {
      instruction: 'A shop sells notebooks at $4 each and pens at $1.50 each. Maya buys 3 notebooks and 4 pens. How much does she pay?',
      response: 'The notebooks cost 3 * 4 = 12 dollars and the pens 4 * 1.50 = 6 dollars.\nShe pays 12 + 6 = 18 dollars.\n[RESULT] 18 [/RESULT]',
    },
    {
      instruction: 'Solve for x: 5x - 7 = 2x + 11.',
      response: 'Subtract 2x from both sides: 3x - 7 = 11.\nAdd 7: 3x = 18, so x = 6.\n[RESULT] 6 [/RESULT]',
    },
    {
      instruction: 'A bag holds 3 red and 5 blue marbles. Two marbles are drawn without replacement. What is the probability that both are red? Give a fraction in lowest terms.',
      response: 'The first is red with probability 3/8, the second then with probability 2/7.\nBoth: 3/8 * 2/7 = 6/56 = 3/28.\n[RESULT] 3/28 [/RESULT]',
    },
    {
      instruction: 'What is the sum of the interior angles of a hexagon, in degrees?',
      response: 'A polygon with n sides has interior angles summing to (n - 2) * 180 degrees.\nFor n = 6: 4 * 180 = 720.\n[RESULT] 720 [/RESULT]',
    },
  ],
  code: [
    {
      instruction: 'Write a Python function `count_vowels(s)` that returns how many vowels (a, e, i, o, u, either case) the string s contains.\nassert count_vowels("Hello World") == 3',
      response: '```python\ndef count_vowels(s):\n    return sum(1 for ch in s.lower() if ch in "aeiou")\n```',
    },
    {
      instruction: 'Write a Python function `running_max(nums)` that returns a list whose i-th element is the largest of nums[0..i].\nassert running_max([2, 1, 5, 3]) == [2, 2, 5, 5]',
      response: '```python\ndef running_max(nums):\n    out = []\n    best = None\n    for x in nums:\n        best = x if best is None or x > best else best\n        out.append(best)\n    return out\n```',
    },
    {
      instruction: 'Write a Python function `is_anagram(a, b)` that returns True when the strings a and b contain the same letters the same number of times, ignoring case and spaces.\nassert is_anagram("Dormitory", "dirty room") == True',
      response: '```python\ndef is_anagram(a, b):\n    norm = lambda s: sorted(s.replace(" ", "").lower())\n    return norm(a) == norm(b)\n```',
    },
    {
      instruction: 'Write a Python function `chunk(items, n)` that splits a list into consecutive pieces of length n (the last may be shorter).\nassert chunk([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]',
      response: '```python\ndef chunk(items, n):\n    return [items[i:i + n] for i in range(0, len(items), n)]\n```',
    },
  ],
  instruction_following: [
    {
      instruction: 'Explain in three sentences why the sky looks blue during the day.',
      response:
        'Sunlight contains every colour, and as it passes through the air it bumps into tiny gas molecules. Those molecules scatter short blue wavelengths much more than long red ones. So blue light reaches our eyes from every direction of the sky, and the whole sky looks blue.',
    },
    {
      instruction: 'Write a short, friendly message to a neighbour asking them to water your plants while you are away for a week.',
      response:
        'Hi Sam! I am away from Monday to Sunday next week, and I was wondering if you could water my plants while I am gone. They only need a glass of water every other day. I will leave the key under the mat, and I am happy to return the favour any time. Thank you so much!',
    },
    {
      instruction: 'List four tips for staying focused while studying at home, one per line.',
      response: 'Put your phone in another room.\nWork in 25-minute blocks with short breaks.\nKeep your desk clear of anything you do not need.\nDecide before you start what you want to finish.',
    },
    {
      instruction: 'Summarise the plot of "Little Red Riding Hood" in two sentences for a young child.',
      response:
        'A little girl in a red hood walks through the forest to visit her grandmother, but a sly wolf gets there first and pretends to be Grandma. Luckily a woodcutter hears the commotion, chases the wolf away, and everyone is safe.',
    },
  ],
};

/** The text of a starter seed file for a domain, in `format`, with the field names of `fields` (else instruction/response). */
export function exampleSeedText(domain: Domain, format: SeedFormat, fields?: SeedSource['fields']): string {
  const instruction = fields?.instruction ?? 'instruction';
  const response = fields?.response ?? 'response';
  const rows = EXAMPLES[domain];
  if (format === 'csv') return [csvLine([instruction, response]), ...rows.map((r) => csvLine([r.instruction, r.response]))].join('\n') + '\n';
  const objects = rows.map((r) => ({ [instruction]: r.instruction, [response]: r.response }));
  return format === 'jsonl' ? objects.map((o) => JSON.stringify(o)).join('\n') + '\n' : JSON.stringify(objects, null, 2) + '\n';
}
