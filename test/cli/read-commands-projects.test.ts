import { describe, expect, it } from "vitest";
import { baton } from "../helpers/cli.ts";
import { readWorld, seedShop } from "./read-commands-fixture.ts";

describe("baton projects", () => {
  it("lists every project with its tasks, tests, cost, running session and directory", async () => {
    const w = await readWorld();
    await seedShop(w);
    await w.stores.projects.create({ name: "blog", directory: w.dirOf("blog") });
    const r = await baton(["projects"], w.io);
    expect(r).toMatchObject({ code: 0, err: "" });
    const [header, blog, shop] = r.out.trimEnd().split("\n");
    expect(header).toMatch(/^NAME\s+STATUS\s+TASKS\s+TESTS\s+COST\s+RUNNING\s+DIRECTORY$/);
    expect(blog).toMatch(
      new RegExp(`^blog\\s+created\\s+0/0\\s+0/0\\s+\\$0\\.00\\s+-\\s+${w.dirOf("blog")}$`),
    );
    expect(shop).toMatch(
      new RegExp(
        `^shop\\s+created\\s+1/3\\s+2/3\\s+\\$1\\.50\\s+session 2 \\(sonnet\\)\\s+${w.dirOf("shop")}$`,
      ),
    );
  });

  it("prints each project's numbers as JSON", async () => {
    const w = await readWorld();
    const { project } = await seedShop(w);
    const r = await baton(["projects", "--json"], w.io);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([
      {
        id: project.id,
        name: "shop",
        status: "created",
        tasks: { done: 1, total: 3 },
        tests: { passing: 2, total: 3 },
        cost_usd: 1.5,
        running: { number: 2, type: "coding", model: "sonnet", started_at: expect.any(String) },
        directory: w.dirOf("shop"),
      },
    ]);
  });

  it("tells a newcomer how to start when there are no projects", async () => {
    const w = await readWorld();
    const r = await baton(["projects"], w.io);
    expect(r.code).toBe(0);
    expect(r.out).toContain("No projects yet.");
    expect(r.out).toContain("`baton run --project-dir NAME --spec FILE`");
    expect(r.out).toContain("`baton demo`");
    expect(JSON.parse((await baton(["projects", "--json"], w.io)).out)).toEqual([]);
  });
});

describe("baton coverage", () => {
  it("counts tests per task, tasks without tests, tests by category and by epic, and rates the plan", async () => {
    const w = await readWorld();
    const { tasks, epics } = await seedShop(w);
    const r = await baton(["coverage", "shop"], w.io);
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out).toContain("shop · test coverage: POOR (less than fair)");
    expect(r.out).toContain("1 of 3 tasks have no test (33.3%)");
    expect(r.out).toContain("1 of 2 epics have no functional test: Checkout");
    expect(r.out).toContain("Tasks  2/3 have tests (66.7%)");
    expect(r.out).toContain("Tests  3 in all · per task: min 0, avg 1, max 2");
    expect(r.out).toContain("functional 2 · style 1 · accessibility 0 · performance 0 · security 0");
    expect(r.out).toMatch(
      new RegExp(
        `Tasks without tests:\\nID\\s+EPIC\\s+TASK\\n\\s*${tasks.pay.id}\\s+${epics.checkout.id}\\s+Pay by card`,
      ),
    );
    expect(r.out).toMatch(/1\s+2\s+3\s+2\s+2\s+Catalog/);
    expect(r.out).toMatch(/2\s+1\s+0\s+0\s+0\s+Checkout/);

    const json = JSON.parse((await baton(["coverage", "shop", "--json"], w.io)).out);
    expect(json).toEqual({
      project: "shop",
      band: "poor",
      gaps: ["1 of 3 tasks have no test (33.3%)", "1 of 2 epics have no functional test: Checkout"],
      tasks: {
        total: 3,
        with_tests: 2,
        without_tests: [{ id: tasks.pay.id, epic_id: epics.checkout.id, description: "Pay by card" }],
      },
      tests: {
        total: 3,
        per_task: { min: 0, avg: 1, max: 2 },
        by_category: { functional: 2, style: 1, accessibility: 0, performance: 0, security: 0 },
      },
      epics: [
        { id: epics.catalog.id, name: "Catalog", tasks: 2, tests: 3, passing: 2, functional: 2 },
        { id: epics.checkout.id, name: "Checkout", tasks: 1, tests: 0, passing: 0, functional: 0 },
      ],
    });
  });

  it("rates a plan good once every task has a test and every epic a functional test", async () => {
    const w = await readWorld();
    const { project, tasks } = await seedShop(w);
    await w.stores.plan.createTest(project.id, tasks.pay.id, {
      category: "security",
      description: "no card data is stored",
    });
    const fair = JSON.parse((await baton(["coverage", "shop", "--json"], w.io)).out);
    expect(fair).toMatchObject({ band: "fair", gaps: ["1 of 2 epics have no functional test: Checkout"] });
    await w.stores.plan.createTest(project.id, tasks.pay.id, { description: "pays with a test card" });
    const good = await baton(["coverage", "shop"], w.io);
    expect(good.out).toContain(
      "test coverage: GOOD (every task has a test and every epic has a functional test)",
    );
    expect(good.out).not.toContain("Tasks without tests");
  });

  it("rates a project without a plan poor, and exits 1 for an unknown project", async () => {
    const w = await readWorld();
    await w.stores.projects.create({ name: "blank", directory: w.dirOf("blank") });
    const r = await baton(["coverage", "blank"], w.io);
    expect(r.code).toBe(0);
    expect(r.out).toContain("test coverage: POOR");
    expect(r.out).toContain("the plan has no tasks yet");
    const unknown = await baton(["coverage", "nope"], w.io);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^baton: no project named nope, .*`baton projects` lists them\n$/);
  });
});
