import type { Routes } from "../app.ts";

/** (being written) */
export const sessionsRoutes: Routes = (_app, _deps) => {};
