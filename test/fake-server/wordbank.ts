/** Word lists the content generators draw from, so different prompts get visibly different text. */

export const NAMES = ['Maria', 'Kenji', 'Amara', 'Lucas', 'Priya', 'Omar', 'Sofia', 'Tomasz', 'Lena', 'Diego', 'Aiko', 'Noah'];

export const ITEMS = ['stamps', 'marbles', 'apples', 'books', 'seedlings', 'postcards', 'coins', 'stickers', 'muffins', 'pencils'];

export const CONTAINERS = ['boxes', 'crates', 'baskets', 'shelves', 'bags', 'trays'];

export const TOPICS = [
  'urban gardening', 'personal budgeting', 'public libraries', 'renewable energy', 'team communication',
  'healthy sleep', 'local history', 'remote work', 'birdwatching', 'home cooking', 'museum design', 'river ecology',
];

export const ADJECTIVES = [
  'practical', 'careful', 'simple', 'thoughtful', 'reliable', 'creative', 'balanced', 'patient', 'clear', 'flexible',
];

export const NOUNS = ['plan', 'habit', 'routine', 'checklist', 'framework', 'strategy', 'schedule', 'approach', 'guideline', 'method'];

export const ROLES = ['student', 'volunteer', 'small business owner', 'new teacher', 'retiree', 'nurse', 'project manager'];

export const GOALS = [
  'save time each week', 'avoid common mistakes', 'stay motivated', 'explain ideas to others',
  'make better decisions', 'keep track of progress', 'work with limited resources',
];

export const VERBS = ['compare', 'organize', 'review', 'prioritize', 'measure', 'simplify', 'document', 'test'];

export const CONNECTORS = ['In practice,', 'For example,', 'As a result,', 'In addition,', 'Most importantly,', 'Over time,'];

export const GREETINGS = [
  'Hi there! Thanks so much for reaching out.',
  'Hello! What a lovely thing to ask about.',
  'Hey! I am always happy to chat.',
  'Good day! Thanks for the message.',
];

export const CHATTER = [
  'I would be glad to talk about this whenever you like.',
  'There are so many interesting angles to consider here.',
  'Let me know if there is anything else on your mind.',
  'I hope your day is going well so far.',
  'Feel free to send more details and we can keep talking.',
];
