import { z } from "zod";

/** A positive integer id in a path (`/projects/12`), at most PostgreSQL's integer: anything else is a 400. */
/** The largest id or sequence number the databases hold (PostgreSQL `integer`). */
export const MAX_INT = 2_147_483_647;

/** A positive database id from the path; a larger one than the database holds is a 400, not a 500. */
export const PathId = z.coerce.number().int().positive().max(MAX_INT);

/** `:id` of every `/api/projects/:id/...` route. */
export const ProjectParams = z.object({ id: PathId.describe("the project's id") });

/** A query flag: true/false (also 1/0, yes/no, on/off). */
export const QueryFlag = z.stringbool();
