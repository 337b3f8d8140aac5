/**
 * The one configuration schema. Every leaf is built by a helper below that also records, next to
 * the zod type, the phrase errors use ("a number ≥ 0"), how an environment string is coerced, and
 * whether the value is secret. Leaf paths, env var names and error texts are all derived from here.
 */
import { z } from "zod";
import { MODEL_NAME_EXPECTED, ModelName } from "../agent/model-name.ts";
import { QUICK_RULE_IDS } from "../review/quick-rules.ts";

/** How a string from the environment (or a string flag) becomes a value for this leaf. */
export type LeafKind = "string" | "number" | "list" | "json";

export interface LeafInfo {
  /** Completes "expected …" in error messages. */
  expected: string;
  kind: LeafKind;
  /** The literal string `null` from the environment means null. */
  nullable: boolean;
  /** Masked wherever the value is shown. */
  secret: boolean;
  /** Environment variable name when it is not the derived `BATON_<SECTION>_<KEY>`. */
  env?: string;
}

/** Leaf metadata lives in its own registry (not zod's global one), typed. */
export const leafInfo = z.registry<LeafInfo>();

type Extra = Partial<Pick<LeafInfo, "secret" | "env">>;

function leaf<T extends z.ZodType>(
  schema: T,
  expected: string,
  kind: LeafKind,
  nullable: boolean,
  extra: Extra = {},
): T {
  const registered: z.ZodType = schema;
  leafInfo.add(registered, { expected, kind, nullable, secret: extra.secret ?? false, env: extra.env });
  return schema;
}

const modelName = (fallback: string) =>
  leaf(ModelName.default(fallback), MODEL_NAME_EXPECTED, "string", false);

const nonEmptyText = (fallback: string) =>
  leaf(z.string().min(1).default(fallback), "a non-empty string", "string", false);

const nullableText = (extra: Extra) =>
  leaf(z.string().min(1).nullable().default(null), "a non-empty string or null", "string", true, extra);

const numberAtLeast = (min: number, fallback: number) =>
  leaf(z.number().min(min).default(fallback), `a number ≥ ${min}`, "number", false);

const numberBetween = (min: number, max: number, fallback: number) =>
  leaf(z.number().min(min).max(max).default(fallback), `a number from ${min} to ${max}`, "number", false);

const positiveNumberOrNull = () =>
  leaf(z.number().positive().nullable().default(null), "a number > 0 or null", "number", true);

const intAtLeast = (min: number, fallback: number) =>
  leaf(z.int().min(min).default(fallback), `an integer ≥ ${min}`, "number", false);

const intAtLeastOrNull = (min: number) =>
  leaf(z.int().min(min).nullable().default(null), `an integer ≥ ${min} or null`, "number", true);

const intBetween = (min: number, max: number, fallback: number) =>
  leaf(z.int().min(min).max(max).default(fallback), `an integer from ${min} to ${max}`, "number", false);

const oneOf = <const V extends readonly [string, ...string[]]>(values: V, fallback: V[number]) =>
  leaf(z.enum(values).default(fallback), `one of ${values.join(", ")}`, "string", false);

const stringList = (fallback: string[] = []) =>
  leaf(z.array(z.string()).default(fallback), "a list of strings", "list", false);

/** Names of environment variables (`sandbox.pass_env`). */
const envNames = () =>
  leaf(
    z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).default([]),
    "a list of environment variable names",
    "list",
    false,
  );

const nonEmptyList = (fallback: string[]) =>
  leaf(z.array(z.string().min(1)).default(fallback), "a list of non-empty strings", "list", false);

/** Per quick-check rule: its points and threshold instead of the defaults (`review.rules`). */
const reviewRules = () =>
  leaf(
    z
      .partialRecord(
        z.enum(QUICK_RULE_IDS),
        z.strictObject({
          points: z.number().min(0).max(10).optional(),
          threshold: z.number().min(0).optional(),
        }),
      )
      .default({}),
    `a mapping of rule names (${QUICK_RULE_IDS.join(", ")}) to { points: 0–10, threshold: ≥ 0 }`,
    "json",
    false,
  );

/** Where sandboxed sessions may connect: the package registries a generated web app installs from. */
export const DEFAULT_ALLOWED_DOMAINS = [
  "registry.npmjs.org",
  "registry.yarnpkg.com",
  "repo.yarnpkg.com",
  "pypi.org",
  "files.pythonhosted.org",
  "nodejs.org",
];

/** What a session's container is given of Baton's environment (docker sandbox). */
export const DEFAULT_DOCKER_ENV = [
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_AUTH_TOKEN",
  "CLAUDE_CODE_OAUTH_TOKEN",
  "ANTHROPIC_BASE_URL",
  "CLAUDE_CODE_USE_BEDROCK",
  "CLAUDE_CODE_USE_VERTEX",
];

/** Sections are strict objects; `.prefault({})` lets a missing section take every default. */
export const Config = z.strictObject({
  models: z
    .strictObject({
      initializer: modelName("opus"),
      coding: modelName("sonnet"),
      review: modelName("sonnet"),
    })
    .prefault({}),
  timing: z
    .strictObject({
      auto_continue_delay_s: numberAtLeast(0, 3),
      heartbeat_interval_s: numberAtLeast(1, 15),
      stale_after_s: numberAtLeast(10, 120),
    })
    .prefault({}),
  stuck: z
    .strictObject({
      repeated_failures: intAtLeast(2, 5),
      no_progress_minutes: numberAtLeast(1, 30),
    })
    .prefault({}),
  orchestrator: z
    .strictObject({
      max_concurrent_projects: intAtLeast(1, 3),
    })
    .prefault({}),
  worker: z
    .strictObject({
      lease_s: intAtLeast(10, 60),
      max_sessions: intAtLeastOrNull(1),
    })
    .prefault({}),
  project: z
    .strictObject({
      generations_dir: nonEmptyText("generations"),
      max_iterations: intAtLeastOrNull(1),
      budget_usd: positiveNumberOrNull(),
    })
    .prefault({}),
  sandbox: z
    .strictObject({
      type: oneOf(["os", "docker", "none"], "os"),
      allowed_domains: nonEmptyList(DEFAULT_ALLOWED_DOMAINS),
      docker_image: nonEmptyText("node:20-bookworm"),
      docker_memory: nonEmptyText("4g"),
      docker_cpus: numberAtLeast(0.1, 2),
      docker_env: nonEmptyList(DEFAULT_DOCKER_ENV),
      pass_env: envNames(),
    })
    .prefault({}),
  security: z
    .strictObject({
      mode: oneOf(["blocklist", "allowlist"], "blocklist"),
      extra_blocked_commands: stringList(),
      extra_allowed_commands: stringList(),
    })
    .prefault({}),
  review: z
    .strictObject({
      deep_every: intAtLeast(1, 5),
      deep_below_rating: numberBetween(1, 10, 7),
      rules: reviewRules(),
    })
    .prefault({}),
  server: z
    .strictObject({
      host: nonEmptyText("127.0.0.1"),
      port: intBetween(1, 65535, 8000),
      cors_origins: stringList(),
      max_upload_kb: intAtLeast(1, 1024),
    })
    .prefault({}),
  auth: z
    .strictObject({
      // null: no password (development mode: the server binds to loopback only).
      ui_password: nullableText({ secret: true, env: "UI_PASSWORD" }),
      // null: generated once and kept in the Baton home (secret.key).
      secret_key: nullableText({ secret: true, env: "SECRET_KEY" }),
      token_ttl_hours: numberAtLeast(0.01, 12),
      login_attempts_per_minute: intAtLeast(1, 10),
    })
    .prefault({}),
  database: z
    .strictObject({
      // null: embedded SQLite under the Baton home (the db layer resolves it).
      url: nullableText({ secret: true, env: "DATABASE_URL" }),
    })
    .prefault({}),
});
export type Config = z.infer<typeof Config>;

export type SectionName = keyof Config & string;
export type LeafPath = { [S in SectionName]: `${S}.${keyof Config[S] & string}` }[SectionName];

export interface Leaf {
  path: LeafPath;
  section: SectionName;
  key: string;
  schema: z.ZodType;
  info: LeafInfo;
}

function collectLeaves(): Leaf[] {
  const leaves: Leaf[] = [];
  for (const [sectionName, sectionSchema] of Object.entries(Config.shape)) {
    for (const [key, schema] of Object.entries(sectionSchema.unwrap().shape)) {
      const info = leafInfo.get(schema);
      if (info === undefined) throw new Error(`config leaf ${sectionName}.${key} was not built with leaf()`);
      // The shape and the LeafPath type come from the same object, so this names a real leaf.
      const path = `${sectionName}.${key}` as LeafPath;
      leaves.push({ path, section: sectionName as SectionName, key, schema, info });
    }
  }
  return leaves;
}

/** Every leaf, in schema order. */
export const LEAVES: readonly Leaf[] = collectLeaves();
export const LEAF_PATHS: readonly LeafPath[] = LEAVES.map((l) => l.path);
export const SECTION_NAMES: readonly SectionName[] = [...new Set(LEAVES.map((l) => l.section))];
export const SECRET_LEAVES: readonly LeafPath[] = LEAVES.filter((l) => l.info.secret).map((l) => l.path);

const byPath = new Map<string, Leaf>(LEAVES.map((l) => [l.path, l]));

export function findLeaf(path: string): Leaf | undefined {
  return byPath.get(path);
}

export function isLeafPath(path: string): path is LeafPath {
  return byPath.has(path);
}

export function keysOfSection(section: SectionName): string[] {
  return LEAVES.filter((l) => l.section === section).map((l) => l.key);
}

/** `database.url` → `DATABASE_URL`; every other leaf → `BATON_<SECTION>_<KEY>`. */
export function envVarName(leaf: Leaf): string {
  return leaf.info.env ?? `BATON_${leaf.section}_${leaf.key}`.toUpperCase();
}

/** The flag that sets a leaf unless the caller names another: `database.url` → `--database-url`. */
export function defaultFlagName(path: LeafPath): string {
  return `--${path.replace(/[._]/g, "-")}`;
}

/** Reads a leaf out of a parsed config. */
export function leafValue(config: Config, path: LeafPath): unknown {
  const [sectionName, key] = path.split(".") as [SectionName, string];
  const values: Record<string, unknown> = config[sectionName];
  return values[key];
}
