import { setTimeout as delay } from "node:timers/promises";

/**
 * Runs `tick` at once, then every `intervalMs`, until it returns false (true: go on), it has run `times` times,
 * or `signal` aborts (Ctrl+C). Never throws for the abort.
 */
export async function repeatEvery(
  intervalMs: number,
  options: { times?: number; signal: AbortSignal },
  tick: (iteration: number) => Promise<boolean>,
): Promise<void> {
  for (let i = 1; !options.signal.aborted; i++) {
    if ((await tick(i)) === false) return;
    if (options.times !== undefined && i >= options.times) return;
    try {
      await delay(intervalMs, undefined, { signal: options.signal });
    } catch {
      return;
    }
  }
}

const STOP_SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** A signal that aborts on Ctrl+C or SIGTERM while `use` runs (a second Ctrl+C ends the process). */
export async function untilInterrupted<T>(use: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  for (const s of STOP_SIGNALS) process.once(s, onSignal);
  try {
    return await use(stop.signal);
  } finally {
    for (const s of STOP_SIGNALS) process.off(s, onSignal);
  }
}
