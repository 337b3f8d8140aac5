import type { z } from "zod";
import { BatonError } from "../errors.ts";

/** Parses store input with its zod schema; a mistake becomes one BATON_VALIDATION error naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    return `${path}${issue.message}`;
  });
  throw new BatonError("BATON_VALIDATION", `invalid ${what}: ${problems.join("; ")}`, {
    issues: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
  });
}
