import type { Routes } from "../app.ts";

/** (being written) */
export const projectsRoutes: Routes = (_app, _deps) => {};
