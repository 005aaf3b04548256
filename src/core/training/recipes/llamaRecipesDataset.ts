/**
 * The custom-dataset file llama-recipes loads with `--dataset custom_dataset --custom_dataset.file`:
 * it must define `get_custom_dataset(dataset_config, tokenizer, split)` returning examples with
 * input_ids / attention_mask / labels (llama-cookbook getting-started/finetuning/datasets/README.md).
 * Ours renders each chat line with the Llama-3 chat template the paper trained with and masks
 * everything but the assistant's tokens (labels -100), so the loss is on the responses only.
 * Standard library only, so a test can run it with a stand-in tokenizer.
 */
export const DATASET_PY_FILE = 'agorabench_dataset.py';

export function llamaRecipesDatasetPy(systemPrompt: string): string {
  return String.raw`"""AgoraBench student data for llama-recipes / llama-cookbook (written by AgoraBench).

Each line of the data file is {"messages": [{"role": ..., "content": ...}, ...]}. A conversation
is rendered with the Llama-3 chat template:

  <|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n{system}<|eot_id|>
  <|start_header_id|>user<|end_header_id|>\n\n{user}<|eot_id|>
  <|start_header_id|>assistant<|end_header_id|>\n\n{response}<|eot_id|>

and only the assistant's content and its closing <|eot_id|> carry labels (the rest is -100), as
in the AgoraBench paper's student training.
"""
import json

SYSTEM_PROMPT = ${pyString(systemPrompt)}
IGNORE_INDEX = -100


def _encode(tokenizer, text):
    # special tokens written in the text (<|eot_id|>, ...) are parsed as single tokens
    return list(tokenizer.encode(text, add_special_tokens=False))


def encode_conversation(tokenizer, messages):
    messages = list(messages)
    if not messages or messages[0].get("role") != "system":
        messages.insert(0, {"role": "system", "content": SYSTEM_PROMPT})
    input_ids = _encode(tokenizer, "<|begin_of_text|>")
    labels = [IGNORE_INDEX] * len(input_ids)
    for message in messages:
        role = message["role"]
        header = _encode(tokenizer, "<|start_header_id|>" + role + "<|end_header_id|>\n\n")
        body = _encode(tokenizer, message["content"] + "<|eot_id|>")
        input_ids += header + body
        labels += [IGNORE_INDEX] * len(header)
        labels += body if role == "assistant" else [IGNORE_INDEX] * len(body)
    return {"input_ids": input_ids, "attention_mask": [1] * len(input_ids), "labels": labels}


def get_custom_dataset(dataset_config, tokenizer, split):
    # every generated instance trains the student: no held-out split (run_validation is off)
    if split != dataset_config.train_split:
        return []
    examples = []
    with open(dataset_config.data_path, encoding="utf-8") as data:
        for number, line in enumerate(data, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as error:
                raise ValueError("%s:%d: not JSON (%s)" % (dataset_config.data_path, number, error))
            examples.append(encode_conversation(tokenizer, record["messages"]))
    return examples
`;
}

/** A Python string literal (JSON's escapes are valid Python escapes). */
function pyString(s: string): string {
  return JSON.stringify(s);
}
