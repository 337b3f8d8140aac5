/**
 * A small diff for the side-by-side view (no library: prompts and proposals are short). Lines
 * are matched by their longest common subsequence; a removed line facing an added one is a
 * changed pair, whose words are matched the same way so the change itself can be highlighted.
 */

export type Op = "same" | "removed" | "added";

/** The longest common subsequence of two token lists, as a script of operations. */
export function diffTokens<T>(a: readonly T[], b: readonly T[]): { op: Op; value: T }[] {
  const n = a.length;
  const m = b.length;
  // lengths[i][j]: LCS length of a[i..] and b[j..], in one flat array.
  const lengths = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[at(i, j)] =
        a[i] === b[j]
          ? (lengths[at(i + 1, j + 1)] ?? 0) + 1
          : Math.max(lengths[at(i + 1, j)] ?? 0, lengths[at(i, j + 1)] ?? 0);
    }
  }
  const script: { op: Op; value: T }[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      script.push({ op: "same", value: a[i] as T });
      i++;
      j++;
    } else if ((lengths[at(i + 1, j)] ?? 0) >= (lengths[at(i, j + 1)] ?? 0)) {
      script.push({ op: "removed", value: a[i++] as T });
    } else {
      script.push({ op: "added", value: b[j++] as T });
    }
  }
  while (i < n) script.push({ op: "removed", value: a[i++] as T });
  while (j < m) script.push({ op: "added", value: b[j++] as T });
  return script;
}

/** One row of a side-by-side diff: the old line (left) and the new one (right); null where one side has none. */
export interface DiffRow {
  kind: "same" | "changed" | "removed" | "added";
  left: string | null;
  right: string | null;
  leftNumber: number | null;
  rightNumber: number | null;
}

/** Rows for a side-by-side view: unchanged lines face each other, a block of removals faces the additions after it. */
export function sideBySide(before: string, after: string): DiffRow[] {
  const script = diffTokens(before.split("\n"), after.split("\n"));
  const rows: DiffRow[] = [];
  let left = 1;
  let right = 1;
  for (let k = 0; k < script.length; ) {
    const step = script[k] as { op: Op; value: string };
    if (step.op === "same") {
      rows.push({
        kind: "same",
        left: step.value,
        right: step.value,
        leftNumber: left++,
        rightNumber: right++,
      });
      k++;
      continue;
    }
    const removed: string[] = [];
    const added: string[] = [];
    while (k < script.length && script[k]?.op !== "same") {
      const s = script[k] as { op: Op; value: string };
      (s.op === "removed" ? removed : added).push(s.value);
      k++;
    }
    for (let r = 0; r < Math.max(removed.length, added.length); r++) {
      const l = removed[r] ?? null;
      const a = added[r] ?? null;
      rows.push({
        kind: l !== null && a !== null ? "changed" : l !== null ? "removed" : "added",
        left: l,
        right: a,
        leftNumber: l === null ? null : left++,
        rightNumber: a === null ? null : right++,
      });
    }
  }
  return rows;
}

/** A word (or the spaces between words) of a changed line; `id` is its place in the line. */
export interface Word {
  id: number;
  text: string;
  changed: boolean;
}

/** A changed line pair split into words (and the spaces between) marked as kept or changed. */
export function wordChanges(left: string, right: string): { left: Word[]; right: Word[] } {
  const words = (s: string) => s.split(/(\s+)/).filter((w) => w !== "");
  const script = diffTokens(words(left), words(right));
  return {
    left: merge(script.filter((s) => s.op !== "added").map((s) => [s.value, s.op === "removed"])),
    right: merge(script.filter((s) => s.op !== "removed").map((s) => [s.value, s.op === "added"])),
  };
}

/** Joins neighbouring words that are both kept or both changed, so a changed phrase is one mark. */
function merge(words: [string, boolean][]): Word[] {
  const out: Word[] = [];
  for (const [text, changed] of words) {
    const last = out.at(-1);
    if (last && last.changed === changed) last.text += text;
    else out.push({ id: out.length, text, changed });
  }
  return out;
}
