import { z } from "zod";

/** Every error the API answers with (see ../errors.ts). */
export const ApiErrorBody = z.object({
  code: z.string(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});

/** Error responses for a route's schema, by status: `errorResponses(404, 409)`. */
export function errorResponses<S extends number>(...statuses: S[]): Record<S, typeof ApiErrorBody> {
  return Object.fromEntries(statuses.map((s) => [s, ApiErrorBody])) as Record<S, typeof ApiErrorBody>;
}
