import { fail } from "../errors.ts";

/**
 * Where a page of tasks ends, in plan order: the last task's epic priority and id, and its own
 * priority and id. The next page starts after it (keyset paging: no rows are skipped or repeated
 * when tasks change between pages, and a deep page costs what the first does).
 */
export type TaskCursor = readonly [
  epicPriority: number,
  epicId: number,
  taskPriority: number,
  taskId: number,
];

/** The cursor as clients pass it back: opaque, URL-safe. */
export function encodeTaskCursor(cursor: TaskCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

/** A cursor a client passed (`field` names it in the error): BATON_VALIDATION when it is not one of ours. */
export function decodeTaskCursor(text: string, field = "after"): TaskCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    value = undefined;
  }
  if (Array.isArray(value) && value.length === 4 && value.every((n) => Number.isSafeInteger(n))) {
    return value as unknown as TaskCursor;
  }
  throw fail("BATON_VALIDATION", {
    field,
    reason: `${field} is not a cursor of this list: pass back the \`next\` of the previous page unchanged`,
  });
}
