import type { UsageDelta } from "../sessions/model.ts";

/**
 * List prices in US dollars per million tokens, by model family, for the running estimate of a
 * session's cost (to stop it at the budget). The SDK's own figure at the end of the session is
 * the one recorded; the estimate only decides when to stop.
 */
const PRICES = {
  opus: { input: 5, output: 25 },
  sonnet: { input: 3, output: 15 },
  haiku: { input: 1, output: 5 },
} as const;
const CACHE_READ_FACTOR = 0.1;
const CACHE_WRITE_FACTOR = 1.25;

function family(model: string): keyof typeof PRICES {
  const m = model.toLowerCase();
  return m.includes("opus") ? "opus" : m.includes("haiku") ? "haiku" : "sonnet";
}

/** What these tokens cost on this model (an estimate at list prices). */
export function estimateCostUsd(model: string, usage: UsageDelta): number {
  const p = PRICES[family(model)];
  const input = (usage.input_tokens ?? 0) + (usage.cache_read_tokens ?? 0) * CACHE_READ_FACTOR;
  const cacheWrite = (usage.cache_write_tokens ?? 0) * CACHE_WRITE_FACTOR;
  return ((input + cacheWrite) * p.input + (usage.output_tokens ?? 0) * p.output) / 1_000_000;
}
