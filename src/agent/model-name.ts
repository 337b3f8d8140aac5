/**
 * What a model may be called, wherever a person or a file names one (config, project settings,
 * the API, CLI flags): Claude Code's aliases (`opus`, `sonnet`, `haiku`, `opusplan`, `default`)
 * or a model id (`claude-sonnet-4-5`, `claude-opus-4-1@20250805`, Bedrock's
 * `us.anthropic.claude-…-v1:0`, an inference profile ARN), optionally with `[1m]`. It starts with a
 * letter or digit, so it can never be read as a command-line option, and it is short.
 */
import { z } from "zod";

export const MODEL_NAME_MAX = 128;
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@/-]*(?:\[1m\])?$/;

/** Said in every refusal of a model name. */
export const MODEL_NAME_EXPECTED = `a model alias (opus, sonnet, haiku) or a model id such as claude-sonnet-4-5: letters, digits and . _ : @ / -, starting with a letter or digit, at most ${MODEL_NAME_MAX} characters`;

export const ModelName = z
  .string()
  .trim()
  .min(1, `a model name is ${MODEL_NAME_EXPECTED}`)
  .max(MODEL_NAME_MAX, `a model name is ${MODEL_NAME_EXPECTED}`)
  .regex(MODEL_NAME, `a model name is ${MODEL_NAME_EXPECTED}`);
