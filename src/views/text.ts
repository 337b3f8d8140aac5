/** Small pieces of terminal text shared by the CLI's views: bars, tables, money, times. */

/** `████████░░░░░░░░░░░░` for part/whole. */
export function progressBar(part: number, whole: number, width = 20): string {
  const filled = whole === 0 ? 0 : Math.round((Math.min(part, whole) / whole) * width);
  return `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
}

/** `$1.25`; amounts under a cent (but not zero) read `<$0.01`. */
export function usd(amount: number): string {
  if (amount > 0 && amount < 0.005) return "<$0.01";
  return `$${amount.toFixed(2)}`;
}

/** `2026-01-01 12:00:00 UTC` from an ISO timestamp. */
export function utc(iso: string): string {
  return iso.replace("T", " ").replace(/(\.\d+)?Z$/, " UTC");
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/** Cuts text to one line of at most `max` characters. */
export function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/**
 * Columns padded to their widest cell, two spaces apart; columns named in `right` are
 * right-aligned. The last column is not padded, so long text there does not widen the table.
 */
export function table(headers: string[], rows: string[][], right: readonly number[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        if (i === cells.length - 1 && !right.includes(i)) return cell;
        const w = widths[i] ?? cell.length;
        return right.includes(i) ? cell.padStart(w) : cell.padEnd(w);
      })
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].map((l) => `${l}\n`).join("");
}

/** `0-3, 5, 7-8` from numbers in ascending order. */
export function numberRanges(sorted: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(", ");
}
