import type { Routes } from "../app.ts";

/** (being written) */
export const runsRoutes: Routes = (_app, _deps) => {};
