import { describe, expect, it } from "vitest";
import { coverageBand, FAIR_COVERAGE, GOOD_COVERAGE } from "../../src/plan/coverage.ts";

describe("coverage bands", () => {
  const shares = (tasks: number, withTests: number, epics: number, withFunctional: number) => ({
    tasks,
    tasks_with_tests: withTests,
    epics,
    epics_with_functional_tests: withFunctional,
  });

  it("is good only when every task has a test and every epic a functional test", () => {
    expect(GOOD_COVERAGE).toEqual({ tasksWithTests: 1, epicsWithFunctionalTests: 1 });
    expect(coverageBand(shares(10, 10, 3, 3))).toBe("good");
    expect(coverageBand(shares(10, 9, 3, 3))).toBe("fair");
    expect(coverageBand(shares(10, 10, 3, 2))).toBe("fair");
  });

  it("is fair from 80% of tasks with a test and half the epics with a functional test", () => {
    expect(FAIR_COVERAGE).toEqual({ tasksWithTests: 0.8, epicsWithFunctionalTests: 0.5 });
    expect(coverageBand(shares(10, 8, 4, 2))).toBe("fair");
    expect(coverageBand(shares(10, 7, 4, 4))).toBe("poor");
    expect(coverageBand(shares(10, 10, 4, 1))).toBe("poor");
  });

  it("is poor for a plan without tasks", () => {
    expect(coverageBand(shares(0, 0, 2, 0))).toBe("poor");
    expect(coverageBand(shares(0, 0, 0, 0))).toBe("poor");
  });
});
