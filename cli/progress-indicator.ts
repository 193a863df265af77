import type { OutputStream } from './cli-io.js';
import { formatDuration } from './format-duration.js';

/** A running progress display; `stop` clears it and says how long the work took. */
export interface ProgressIndicator {
  /** Writes a line of what is happening above the display. */
  line(text: string): void;
  /** Ends the display; returns the elapsed milliseconds. */
  stop(): number;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 100;
/** Without a terminal, a line this often tells a pipeline log that the call is still waiting. */
const HEARTBEAT_MS = 30_000;

/**
 * Shows that a long call is under way, on stderr so stdout stays clean for results. On a
 * terminal: a spinner with the elapsed time, redrawn in place. Otherwise (pipeline logs): the
 * label once, then a "still waiting" line every 30 seconds.
 */
export function startProgress(stream: OutputStream, label: string): ProgressIndicator {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  let timer: NodeJS.Timeout;
  if (stream.isTTY) {
    let frame = 0;
    const draw = () => stream.write(`\r\x1b[K${FRAMES[frame++ % FRAMES.length]} ${label} ${formatDuration(elapsed())}`);
    draw();
    timer = setInterval(draw, FRAME_MS);
  } else {
    stream.write(`${label}...\n`);
    timer = setInterval(() => stream.write(`  still waiting (${formatDuration(elapsed())})\n`), HEARTBEAT_MS);
  }
  // The display must never keep the process alive on its own.
  timer.unref();
  return {
    line(text) {
      // On a terminal the spinner's line is cleared first; its next frame redraws it below.
      stream.write(`${stream.isTTY ? '\r\x1b[K' : ''}${text}\n`);
    },
    stop() {
      clearInterval(timer);
      if (stream.isTTY) stream.write('\r\x1b[K');
      return elapsed();
    },
  };
}

/** Runs `work` with a progress display labelled `label`, removed when the work ends either way. */
export async function withProgress<T>(stream: OutputStream, label: string, work: () => Promise<T>): Promise<T> {
  const progress = startProgress(stream, label);
  try {
    return await work();
  } finally {
    progress.stop();
  }
}
