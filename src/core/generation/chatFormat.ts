/** The system prompt of the paper's student training recipe (Llama-3 headers, loss on the response only). */
export const STUDENT_SYSTEM_PROMPT = 'You are a helpful AI assistant.';

/**
 * The system line the released length check renders (its code defines the training prompt
 * above but writes this one into the text); kept so the `paper` profile counts what it counted.
 */
export const PAPER_LENGTH_CHECK_SYSTEM = 'You are a helpful assistant';

/**
 * One single-turn conversation in the Llama-3 chat format: BOS, a system, a user and an assistant
 * turn, each closed by `<|eot_id|>`. This is the text a Llama-3 student sees for an instance.
 */
export function llama3ChatText(system: string, user: string, assistant: string): string {
  return `${llama3Prompt(system, user)}${assistant}<|eot_id|>`;
}

/** Everything before the assistant's text: what a student is trained on but not scored on (loss on the response only). */
export function llama3Prompt(system: string, user: string): string {
  return (
    `<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n${system}<|eot_id|>` +
    `<|start_header_id|>user<|end_header_id|>\n\n${user}<|eot_id|>` +
    `<|start_header_id|>assistant<|end_header_id|>\n\n`
  );
}
