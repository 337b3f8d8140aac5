import type { Routes } from "../app.ts";

/** (being written) */
export const wsRoutes: Routes = (_app, _deps) => {};
