import type { Domain } from '../types';

/**
 * Topics drawn once per instance-generation call so that new instances spread over a domain
 * instead of circling the demonstrations. Users can replace them per setting (`themes`).
 */
export const DEFAULT_THEMES: Record<Domain, string[]> = {
  math: [
    'Arithmetic word problems', 'Fractions and decimals', 'Percentages and ratios', 'Linear equations',
    'Quadratic equations', 'Polynomials', 'Inequalities', 'Exponential and logarithmic functions',
    'Sequences and series', 'Plane geometry', 'Solid geometry and volume', 'Coordinate geometry',
    'Trigonometry', 'Conic sections', 'Counting and permutations', 'Probability', 'Expected value',
    'Number theory and divisibility', 'Modular arithmetic', 'Prime numbers', 'Complex numbers',
    'Matrices and determinants', 'Vector spaces', 'Limits and continuity', 'Derivatives', 'Integrals',
    'Differential equations', 'Multivariable calculus', 'Graph theory', 'Combinatorial identities',
    'Set theory and logic', 'Group theory', 'Real analysis', 'Rates, work and mixtures',
  ],
  code: [
    'Implementing a Python function', 'Implementing a JavaScript function', 'Implementing a Java method',
    'Implementing a C++ function', 'Implementing a C function', 'Implementing a Go function',
    'Implementing a Rust function', 'Fixing a bug in Python code', 'Fixing a bug in JavaScript code',
    'Fixing a bug in Java code', 'Fixing a bug in C++ code', 'String processing', 'Array and list manipulation',
    'Hash maps and counting', 'Sorting and searching', 'Recursion', 'Dynamic programming', 'Graph algorithms',
    'Trees and binary search trees', 'Stacks and queues', 'Bit manipulation', 'Date and time handling',
    'Parsing text formats', 'Regular expressions', 'Object-oriented design', 'Iterators and generators',
  ],
  instruction_following: [
    'Health and fitness', 'Careers and workplace', 'Language and linguistics', 'Entertainment', 'Technology',
    'Literature', 'Software development', 'History', 'Learning a language', 'Natural sciences', 'Games',
    'Philosophy and ethics', 'Social studies', 'Travel', 'Visual arts', 'Sports', 'Mathematics',
    'Relationships and communication', 'Home improvement', 'Cooking', 'Technical writing', 'Recommendations',
    'Creative writing', 'How-to guides', 'Factual questions', 'Puzzles and reasoning', 'Personal finance',
    'Business and marketing', 'Law and policy', 'Environment and climate', 'Music', 'Parenting and education',
  ],
};

/**
 * Openings for instruction-following instructions, so generated requests vary in form
 * (questions, imperatives, role-play, pasted text, code).
 */
export const DEFAULT_FIRST_WORDS: string[] = [
  'Write', 'Explain', 'Describe', 'Summarize', 'Compare', 'List', 'Give me', 'Can you', 'Could you',
  'Would you', 'Help me', 'I need', 'I want', "I'm", 'I have', 'My', 'We', 'How', 'Why', 'What', 'When',
  'Where', 'Which', 'Who', 'Is there', 'Are', 'Should I', 'If', 'Suppose', 'Imagine', 'Pretend', 'Act as',
  'You are a', 'Given the following', 'Here is', 'Consider', 'Design', 'Create', 'Draft', 'Rewrite',
  'Translate', 'Classify', 'Identify', 'Analyze', 'Evaluate', 'Recommend', 'Suggest', 'Plan', 'Outline',
  'Tell me', 'Show me', 'Find', 'Fix', 'Improve', 'Prove that', 'In what way', 'As a', 'Generate', 'Provide',
];
