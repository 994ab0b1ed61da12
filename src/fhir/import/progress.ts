// Import progress: a cli-progress bar (count, rate, ETA from bytes read vs file size) when stderr is a
// TTY, and a single summary line at the end otherwise (logs stay readable).

import cliProgress from 'cli-progress';

export interface Progress {
  update(bytesRead: number, resourcesDone: number): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Where to write (default process.stderr). */
  stream?: NodeJS.WriteStream;
  /** Force the bar on or off (default: stream.isTTY). */
  tty?: boolean;
  now?: () => number;
}

const formatRate = (n: number) => (n >= 100 ? Math.round(n).toString() : n.toFixed(1));

export function createProgress(totalBytes: number, label: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const started = now();
  let resources = 0;
  let bytes = 0;
  const rate = () => resources / Math.max((now() - started) / 1000, 1e-3);

  if (!(options.tty ?? stream.isTTY)) {
    let stopped = false;
    return {
      update(bytesRead, done) {
        bytes = bytesRead;
        resources = done;
      },
      stop() {
        if (stopped) return;
        stopped = true;
        const seconds = (now() - started) / 1000;
        stream.write(`${label}: ${resources} resources, ${bytes} bytes in ${seconds.toFixed(1)} s (${formatRate(rate())} resources/s)\n`);
      },
    };
  }

  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} [{bar}] {percentage}% | {resources} resources | {rate} res/s | ETA {eta_formatted}`,
      etaBuffer: 50,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(totalBytes, 1), 0, { resources: 0, rate: '0' });
  let stopped = false;
  return {
    update(bytesRead, done) {
      bytes = bytesRead;
      resources = done;
      bar.update(Math.min(bytesRead, Math.max(totalBytes, 1)), { resources: done, rate: formatRate(rate()) });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.update(Math.min(bytes, Math.max(totalBytes, 1)), { resources, rate: formatRate(rate()) });
      bar.stop();
    },
  };
}
