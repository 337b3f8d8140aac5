/** Where the CLI writes: the process streams in real use, buffers in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Output goes to a terminal: live status lines instead of plain ones. */
  isTTY?: boolean;
  /** Where answers to questions come from; a command asks only when this is a terminal. */
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  isTTY: process.stdout.isTTY === true,
  get input() {
    return process.stdin;
  },
};
