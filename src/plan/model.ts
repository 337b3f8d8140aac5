import { z } from "zod";

/** Closed unions of the plan. Every status string is spelled here and nowhere else. */
export const EPIC_STATUSES = ["pending", "in_progress", "done"] as const;
export const EpicStatus = z.enum(EPIC_STATUSES);
export type EpicStatus = z.infer<typeof EpicStatus>;

export const TASK_STATUSES = ["pending", "in_progress", "done", "blocked"] as const;
export const TaskStatus = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const TEST_STATUSES = ["unknown", "passing", "failing"] as const;
export const TestStatus = z.enum(TEST_STATUSES);
export type TestStatus = z.infer<typeof TestStatus>;

export const TEST_CATEGORIES = ["functional", "style", "accessibility", "performance", "security"] as const;
export const TestCategory = z.enum(TEST_CATEGORIES);
export type TestCategory = z.infer<typeof TestCategory>;

/** A task that still needs work: offered by next-task and blocking project completion. */
export function isOpenTask(status: TaskStatus): boolean {
  return status !== "done";
}

/** Priorities: lower numbers come first. */
export const Priority = z.number().int().min(0).max(1_000_000);
export const DEFAULT_PRIORITY = 100;

const Timestamp = z.string();
const Id = z.number().int().positive();

export const Epic = z.object({
  id: Id,
  project_id: Id,
  name: z.string(),
  description: z.string(),
  priority: z.number().int(),
  status: EpicStatus,
  created_at: Timestamp,
  updated_at: Timestamp,
  completed_at: Timestamp.nullable(),
});
export type Epic = z.infer<typeof Epic>;

export const Task = z.object({
  id: Id,
  project_id: Id,
  epic_id: Id,
  description: z.string(),
  action: z.string(),
  priority: z.number().int(),
  status: TaskStatus,
  session_id: Id.nullable(),
  notes: z.string().nullable(),
  started_at: Timestamp.nullable(),
  completed_at: Timestamp.nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Task = z.infer<typeof Task>;

export const Test = z.object({
  id: Id,
  project_id: Id,
  task_id: Id,
  category: TestCategory,
  description: z.string(),
  steps: z.array(z.string()),
  status: TestStatus,
  verified_at: Timestamp.nullable(),
  session_id: Id.nullable(),
  evidence: z.string().nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Test = z.infer<typeof Test>;

export const TaskWithTests = Task.extend({ tests: z.array(Test) });
export type TaskWithTests = z.infer<typeof TaskWithTests>;

/** Inputs: the one definition shared by stores, task tools and routes. */
export const NewEpic = z.object({
  name: z.string().trim().min(1, "an epic needs a name").max(200),
  description: z.string().max(20_000).default(""),
  priority: Priority.default(DEFAULT_PRIORITY),
});
export type NewEpic = z.input<typeof NewEpic>;

export const NewTest = z.object({
  category: TestCategory.default("functional"),
  description: z.string().trim().min(1, "a test needs a description").max(5_000),
  steps: z.array(z.string().min(1)).max(50).default([]),
});
export type NewTest = z.input<typeof NewTest>;

export const NewTask = z.object({
  description: z.string().trim().min(1, "a task needs a description").max(5_000),
  action: z.string().max(50_000).default(""),
  priority: Priority.default(DEFAULT_PRIORITY),
  tests: z.array(NewTest).max(20).default([]),
});
export type NewTask = z.input<typeof NewTask>;
