import type { Routes } from "../app.ts";

/** (being written) */
export const logsRoutes: Routes = (_app, _deps) => {};
