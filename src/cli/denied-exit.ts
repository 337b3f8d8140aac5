/** Exit code of `baton policy check` when the command is denied. */
export const POLICY_DENIED_EXIT = 3;

/**
 * Thrown by `baton policy check` after it has printed `denied: …`: not a failure of Baton, so
 * the CLI entry point should return `exitCode` without printing anything more.
 */
export class CommandDeniedExit extends Error {
  override readonly name = "CommandDeniedExit";
  readonly exitCode = POLICY_DENIED_EXIT;
  constructor(readonly reason: string) {
    super(`denied: ${reason}`);
  }
}
