/** General-domain items: an open question and a 2-4 sentence prose answer. */
import type { Rng } from './rng';
import { ADJECTIVES, CONNECTORS, GOALS, NOUNS, ROLES, TOPICS, VERBS } from './wordbank';

export function proseQuestion(rng: Rng, theme?: string): string {
  const topic = theme ?? rng.pick(TOPICS);
  const adj = rng.pick(ADJECTIVES);
  const noun = rng.pick(NOUNS);
  const role = rng.pick(ROLES);
  const goal = rng.pick(GOALS);
  const verb = rng.pick(VERBS);
  const templates = [
    `Explain how a ${adj} ${noun} can help a ${role} ${goal}, and give two concrete examples that someone new to ${topic} could try this week.`,
    `What are the most important things a ${role} should ${verb} when trying to ${goal} in ${topic}, and why do they matter in practice?`,
    `Describe a ${adj} ${noun} for ${topic} that a ${role} could follow to ${goal}, including one common pitfall to avoid.`,
  ];
  return rng.pick(templates);
}

/** 2-4 distinct sentences of plain prose (no markers of any kind). */
export function proseAnswer(rng: Rng, theme?: string, sentences = rng.int(2, 4)): string {
  const topic = theme ?? rng.pick(TOPICS);
  const pool = [
    `A ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)} helps because it makes it easier to ${rng.pick(VERBS)} what matters before acting.`,
    `${rng.pick(CONNECTORS)} a ${rng.pick(ROLES)} who sets aside a few minutes to ${rng.pick(VERBS)} their progress tends to ${rng.pick(GOALS)}.`,
    `${rng.pick(CONNECTORS)} small, ${rng.pick(ADJECTIVES)} steps are easier to keep up than big changes in ${topic}.`,
    `It also helps to ${rng.pick(VERBS)} results regularly so that problems are noticed early.`,
    `${rng.pick(CONNECTORS)} sharing the ${rng.pick(NOUNS)} with others keeps everyone aligned and motivated.`,
  ];
  const chosen: string[] = [];
  while (chosen.length < Math.min(sentences, pool.length)) {
    const next = pool.splice(rng.int(0, pool.length - 1), 1)[0];
    if (next !== undefined) chosen.push(next);
  }
  return chosen.join(' ');
}
