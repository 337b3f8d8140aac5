import type { Routes } from "../app.ts";

/** (being written) */
export const projectEnvRoutes: Routes = (_app, _deps) => {};
