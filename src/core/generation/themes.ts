import type { Domain } from '../types';

// The topic and opener lists of the paper's released generation script (neulab/data-agora,
// agora_scripts/run.py, Apache-2.0; see NOTICE), transcribed as data in their original order.
// Duplicates are kept on purpose: the script samples uniformly from these lists, so a repeated
// entry ("Combinatorics", "My ", "Act as ") is drawn twice as often, and "As a Question: " is one
// entry because a comma is missing between "As a " and "Question: " in the released list.

/**
 * Themes drawn once per instance-generation prompt (the `<input_theme>` slot): 36 for math (the
 * MATH subjects, advanced topics and word-problem kinds), 14 for code (seven languages ×
 * implementing or fixing code), 28 for instruction following. A setting's `themes` replaces them.
 */
export const DEFAULT_THEMES: Record<Domain, string[]> = {
  math: [
    "Algebra", "Counting and Probability", "Geometry", "Number Theory", "Calculus", "Conic sections",
    "Group Theory and Ring Theory", "Field Theory and Vector Spaces", "Differential Equations",
    "Linear Algebra", "Real Analysis", "Complex Analysis", "Combinatorics", "Topology", "Trigonometry",
    "Combinatorics", "Graph Theory", "Set Theory", "Math Word Problems with Polynomial GCD",
    "Math Word Problems with Probability and Number Theory", "Math Word Problems with Matrices",
    "Math Word Problems with Partial Derivatives", "Math Word Problems with Areas, Lengths, and Volumes",
    "Math Word Problems with Sinusoidal Functions", "Math Word Problems with Complex Numbers",
    "Math Word Problems with Multiplication", "Math Word Problems with Addition",
    "Math Word Problems with Subtraction", "Math Word Problems with Division",
    "Math Word Problems with Fractions", "Math Word Problems with Remainders",
    "Math Word Problems with Rounding", "Math Word Problems with Percentages",
    "Math Word Problems with Ratios", "Math Word Problems with Proportions",
    "Math Word Problems with Exponents and Logarithms",
  ],
  code: [
    "Implementing a Python Code", "Implementing a Java Code", "Implementing a C++ Code",
    "Implementing a C Code", "Implementing a JavaScript Code", "Implementing a C# Code",
    "Implementing a PHP Code", "Fixing a Python Code", "Fixing a Java Code", "Fixing a C++ Code",
    "Fixing a C Code", "Fixing a JavaScript Code", "Fixing a C# Code", "Fixing a PHP Code",
  ],
  instruction_following: [
    "Health", "Professional", "Linguistics", "Entertainment", "Technology", "Literature",
    "Implementing a Code", "Software Development", "History", "Exercise", "Language Learning", "Science",
    "Gaming", "Philosophy", "Social Studies", "Travel", "Art", "Sports", "Mathematics",
    "Social Interaction", "DIY Projects", "Cooking", "Technical Writing", "Recommendations",
    "Creative Writing", "How-To Style Question and Answers", "Factual Question Answering",
    "Puzzles and Logical Reasoning",
  ],
};

/**
 * Opening words for instruction-following instructions (the `<first_word>` slot): plain requests,
 * questions, role-play and code-like openers ("def ", "import ", "``` ", ">> ", "### "), 123
 * entries. A setting's `firstWords` replaces them.
 */
export const DEFAULT_FIRST_WORDS: string[] = [
  "Write ", "Write a function ", "def ", "Make me ", "Can you ", "Will you ", "Would you ", "Use ",
  "Solve this ", "Explain ", "Design ", "If I have ", "I have ", "I need ", "I want ", "I'm ", "I've ",
  "I'd ", "If you ", "We ", "My ", "Describe how ", "Describe ", "How ", "Why ", "What ", "When ",
  "Where ", "Which ", "Who ", "Classify the following ", "Determine the following ", "Implement ",
  "Consider the ", "Prove that ", "Considering that ", "Introduce ", "### Problem:  ", "Fix ",
  "Improve ", "Optimize ", "Clean this ", "Correct ", "In what ", "Given a ", "Given that ",
  "Given the following ", "Help me ", "Hello ", "You are a ", "Is there ", "Give me ", "Here is ",
  "Here are ", "A ", "An ", "My ", "Your ", "You're ", "Rewrite ", "Show me ", "Show that ", "Act as ",
  "Devise ", "Your goal ", "Suppose ", "Imagine ", "There ", "This ", "That ", "These ", "The ",
  "In after ", "1.  ", "List ", "Analyze ", "Compare ", "Evaluate ", "Assess ", "Identify ", "Search ",
  "Find ", "In ", "Pretend ", "Conduct ", "During ", "In the ", "In the past ", "In the future ",
  "Using ", "As part of ", "As a result of ", "As a consequence of ", "In order to ", "Tell me ",
  "Now ", "Count ", "Summarize ", "Query ", "Extract ", "### ", ">> ", "``` ", "Prepare ", "import ",
  "Visualize ", "Generate ", "Provide ", "Read the ", "Take the ", "Go ", "Act as ", "Is ", "Are ",
  "Were ", "Suggest ", "Recommend ", "Contrast ", "Look for ", "Define ", "As a Question: ",
  "Express ", "Let ",
];
