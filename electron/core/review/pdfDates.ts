// A PDF printed by a browser carries the moment it was printed (the info dictionary's
// /CreationDate and /ModDate strings, `(D:YYYYMMDDHHmmSS…)`). The review's bytes must not depend on the clock, so the printed
// file's dates are set to the review's own date. Each date is rewritten in place with a value
// of the same length, so the file's cross-reference offsets stay right.

// Every date string of the file: the info dictionary's, written in place or as an object of
// its own (`/CreationDate 12 0 R`). Page text is in compressed streams, so it cannot match.
const PDF_DATE = /(\(D:)(\d{14})([+-]\d{2}'\d{2}'?|Z)?(?=\))/g;

function utcDigits(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}` +
    `${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`
  );
}

/** `pdf` with its creation and modification dates set to `epochMs` in UTC, each the same length. */
export function pinPdfDates(pdf: Buffer, epochMs: number): Buffer {
  // latin1 maps each byte to one character and back, so binary streams survive the round trip.
  const text = pdf.toString('latin1');
  const digits = utcDigits(epochMs);
  const pinned = text.replace(PDF_DATE, (_all, head: string, _old: string, zone: string | undefined) => {
    const utc = zone === undefined || zone === 'Z' ? (zone ?? '') : `+00'00${zone.endsWith("'") ? "'" : ''}`;
    return `${head}${digits}${utc}`;
  });
  return Buffer.from(pinned, 'latin1');
}
