/** How the benches report a figure: min / median / max of its runs, and the machine's load. */
import { loadavg } from "node:os";
import { quantile } from "./server.ts";

/** "min / median / max" of `values`, with `digits` decimals. */
export function spread(values: number[], digits = 1): string {
  const s = [...values].sort((a, b) => a - b);
  return `${s[0]?.toFixed(digits)} / ${quantile(s, 0.5).toFixed(digits)} / ${s.at(-1)?.toFixed(digits)}`;
}

/** The 1, 5 and 15-minute load averages. */
export function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}

/** The median of `values` (NaN when empty). */
export function median(values: number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}
