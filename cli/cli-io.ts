/** Where a command writes: stdout or stderr (a process stream, or a buffer in tests). */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Where a command reads secrets from: a terminal (raw mode, no echo) or a pipe. */
export type InputStream = NodeJS.ReadableStream & {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
};

/** The process surroundings a command runs in; passed in so commands never reach for globals. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly stdin: InputStream;
  readonly env: NodeJS.ProcessEnv;
}
