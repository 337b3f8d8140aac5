/** Why an edit cannot be made to a prompt's text. */
export type EditProblem = "empty_before" | "unchanged" | "not_found" | "ambiguous" | "new_placeholder";

export const EDIT_PROBLEM_TEXT: Record<EditProblem, string> = {
  empty_before: "its before text is empty",
  unchanged: "its after text is the same as its before text",
  not_found: "its before text is not in the prompt",
  ambiguous: "its before text occurs more than once in the prompt",
  new_placeholder:
    "its after text adds a {{placeholder}} the prompt does not have (sessions could not fill it)",
};

const placeholders = (text: string) => new Set([...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]));

/**
 * Whether `before` → `after` can be made to `content`: `before` must occur in it exactly once, and
 * `after` may only use the `{{placeholders}}` the prompt already has.
 */
export function checkEdit(content: string, before: string, after: string): EditProblem | null {
  if (before.trim() === "") return "empty_before";
  if (before === after) return "unchanged";
  const at = content.indexOf(before);
  if (at < 0) return "not_found";
  if (content.indexOf(before, at + 1) >= 0) return "ambiguous";
  const known = placeholders(content);
  if ([...placeholders(after)].some((name) => !known.has(name))) return "new_placeholder";
  return null;
}

/** `content` with its one `before` replaced by `after`; null when the edit cannot be made (see checkEdit). */
export function applyEdit(content: string, before: string, after: string): string | null {
  if (checkEdit(content, before, after) !== null) return null;
  const at = content.indexOf(before);
  return content.slice(0, at) + after + content.slice(at + before.length);
}
