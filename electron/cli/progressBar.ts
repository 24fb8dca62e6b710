// Import progress on a terminal: one line redrawn in place on stderr. Quiet when piped.
import type { IngestProgress, PullProgress } from '../../shared/api.js';
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

/** Pull progress: hits read of `hits.total`, rate and time left. Quiet when piped. */
export function pullProgressPrinter(stream: NodeJS.WriteStream): ((p: PullProgress) => void) | undefined {
  if (!stream.isTTY) return undefined;
  return (p) => {
    const fraction = p.hitsTotal === null || p.hitsTotal === 0 ? null : Math.min(1, p.hitsDone / p.hitsTotal);
    const width = 24;
    const bar = fraction === null ? '' : '█'.repeat(Math.round(fraction * width)).padEnd(width, '░') + ' ';
    const percent = fraction === null ? '' : `${(fraction * 100).toFixed(0).padStart(3)} %  `;
    const total = p.hitsTotal === null ? '' : ` of ${formatCount(p.hitsTotal)}`;
    const left = p.secondsLeft === null ? '' : `, ${formatDuration(p.secondsLeft * 1000)} left`;
    stream.write(
      `\r${bar}${percent}${formatCount(p.hitsDone)}${total} hits, ${formatCount(p.events)} events ` +
        `(${formatCount(Math.round(p.hitsPerSecond))} hits/s)${left}\x1b[K`,
    );
  };
}
