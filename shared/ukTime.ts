// Every time a person reads is DD/MM/YYYY HH:mm:ss, 24 h, in Europe/London.
// Intl does the zone arithmetic, so the clock changes (GMT <-> BST) come out right
// in Node and in the renderer alike.

const UK_ZONE = 'Europe/London';

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: UK_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

interface UkParts {
  text: string;
  zone: 'GMT' | 'BST';
}

function ukParts(epochMs: number): UkParts {
  const parts = partsFormat.formatToParts(new Date(epochMs));
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const text = `${get('day')}/${get('month')}/${get('year')} ${get('hour')}:${get('minute')}:${get('second')}`;
  // en-GB names the London zone "GMT" in winter and "BST" in summer.
  const zone = get('timeZoneName') === 'BST' ? 'BST' : 'GMT';
  return { text, zone };
}

/** `DD/MM/YYYY HH:mm:ss` in Europe/London. */
export function formatUk(epochMs: number): string {
  return ukParts(epochMs).text;
}

/** `DD/MM/YYYY HH:mm:ss GMT|BST`: for prose and tables where a reader needs the zone. */
export function formatUkWithZone(epochMs: number): string {
  const { text, zone } = ukParts(epochMs);
  return `${text} ${zone}`;
}

/** A duration as a person reads it: `1 h 05 min`, `12 min 30 s`, `45 s`. */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}
