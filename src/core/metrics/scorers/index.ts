/** Per-instance metric scorers: pure request builders and answer parsers, plus the HTTP transports of the non-chat ones. */
export { JUDGE_RETRY_NOTE, JUDGE_SAMPLING, RUBRIC_VERSION, judgeRequest, parseJudgeScore, type JudgedInstance, type JudgeRetry, type JudgedMetric, type JudgeScore, type ParsedJudgeScore } from './judgeRubric';
export { perplexityFromLogprobs, perplexityRequest, type PerplexityOptions, type PerplexityResult } from './perplexity';
export { defaultScorePath, parseReward, rewardRequest, scoreReward, type RewardConfig, type RewardInstance, type RewardOutcome, type RewardParse, type RewardShape } from './reward';
export { EmbeddingError, embedTexts, type EmbedOptions, type EmbeddingEndpoint } from './embeddings';
export { DEFAULT_RETRY, type RetryPolicy } from './retry';
