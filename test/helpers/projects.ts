import { join } from "node:path";
import type { Stores } from "../../src/db/stores/index.ts";
import { createProject } from "../../src/projects/create-project.ts";
import type { Project } from "../../src/projects/model.ts";
import { makeWorld, type World } from "./world.ts";

/**
 * A project as `baton run --spec` makes one, in a fresh world (temp folders): its spec file
 * (`<name>.md`), its row and its folder (`<world root>/<name>`, a new git repository).
 */
export async function newProject(
  stores: Stores,
  options: { name?: string; spec?: string; budget_usd?: number } = {},
): Promise<{ project: Project; world: World }> {
  const world = makeWorld();
  const name = options.name ?? "p";
  const project = await createProject(stores, {
    name,
    directory: join(world.root, name),
    spec: world.write(`${name}.md`, options.spec ?? "# S\n"),
    ...(options.budget_usd === undefined ? {} : { budget_usd: options.budget_usd }),
  });
  return { project, world };
}
