// Reads a file as numbered lines without holding it in memory. A line ends at LF; one CR
// before it is dropped (CRLF files). A lone CR is text, not a line end, so line numbers agree
// with `sed -n` and editors. A byte-order mark at the start is dropped. Bytes that are not
// UTF-8 become U+FFFD. The SHA-256 of the bytes read is kept, so a file that changes while
// it is imported can be told.
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export interface NumberedLine {
  /** 1-based, as editors and `sed -n` count. */
  number: number;
  text: string;
}

export interface LineSource {
  lines: AsyncIterable<NumberedLine>;
  /** Bytes read from the file so far (for progress). */
  bytesRead(): number;
  /** SHA-256 (hex) of every byte read; complete once `lines` has ended. */
  sha256(): string;
  close(): void;
}

const LF = 0x0a;
const CR = 0x0d;

function decode(bytes: Buffer, number: number): string {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === CR) end -= 1;
  let start = 0;
  if (number === 1 && end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  return bytes.toString('utf8', start, end);
}

export function readLines(filePath: string, options: { hash?: boolean } = {}): LineSource {
  const stream = fs.createReadStream(filePath, { highWaterMark: 1 << 20 });
  const hash = options.hash ? createHash('sha256') : null;
  let bytes = 0;
  let digest: string | null = null;

  async function* numbered(): AsyncGenerator<NumberedLine> {
    let number = 0;
    // Pieces of a line that spans chunks; joined once its end is found.
    let pending: Buffer[] = [];
    for await (const data of stream) {
      const chunk = data as Buffer;
      bytes += chunk.length;
      hash?.update(chunk);
      let start = 0;
      let lf = chunk.indexOf(LF, start);
      while (lf !== -1) {
        number += 1;
        const piece = chunk.subarray(start, lf);
        const line = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
        pending = [];
        yield { number, text: decode(line, number) };
        start = lf + 1;
        lf = chunk.indexOf(LF, start);
      }
      if (start < chunk.length) pending.push(chunk.subarray(start));
    }
    if (pending.length > 0) {
      number += 1;
      yield { number, text: decode(Buffer.concat(pending), number) };
    }
    if (hash) digest = hash.digest('hex');
  }

  return {
    lines: numbered(),
    bytesRead: () => bytes,
    sha256: () => {
      if (digest === null) throw new Error('sha256() before the whole file was read');
      return digest;
    },
    close: () => stream.destroy(),
  };
}
