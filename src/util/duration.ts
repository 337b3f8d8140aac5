/** Human durations: `250ms`, `2.5s`, `45s`, `2m 30s`, `1h 15m`. */
export function formatDuration(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 1_000) return `${Math.round(safe)}ms`;
  if (safe < 10_000) return `${(Math.floor(safe / 100) / 10).toFixed(1)}s`;
  const total = Math.round(safe / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}
