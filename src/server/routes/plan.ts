import type { Routes } from "../app.ts";

/** (being written) */
export const planRoutes: Routes = (_app, _deps) => {};
