// Import progress on a terminal: one line redrawn in place on stderr. Quiet when piped.
import type { IngestProgress } from '../../shared/api.js';
import { formatBytes, formatCount } from '../../shared/metricFormat.js';
import { formatDuration } from '../../shared/ukTime.js';

export function progressPrinter(stream: NodeJS.WriteStream): ((p: IngestProgress) => void) | undefined {
  if (!stream.isTTY) return undefined;
  return (p) => {
    const fraction = p.bytesTotal === 0 ? 1 : p.bytesDone / p.bytesTotal;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const left = p.secondsLeft === null ? '' : `, ${formatDuration(p.secondsLeft * 1000)} left`;
    stream.write(
      `\r${bar} ${(fraction * 100).toFixed(0).padStart(3)} %  ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}, ` +
        `${formatCount(p.events)} events (${formatCount(Math.round(p.eventsPerSecond))}/s)${left}\x1b[K`,
    );
  };
}

export function clearProgress(stream: NodeJS.WriteStream): void {
  if (stream.isTTY) stream.write('\r\x1b[K');
}
