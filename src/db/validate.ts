import type { z } from "zod";
import { fail } from "../errors.ts";

/** Parses store input with its zod schema; a mistake becomes one BATON_VALIDATION error naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    return `${path}${issue.message}`;
  });
  throw fail("BATON_VALIDATION", {
    reason: `invalid ${what}: ${problems.join("; ")}`,
    issues: result.error.issues.map((i) => ({ where: i.path.map(String).join("."), message: i.message })),
  });
}
