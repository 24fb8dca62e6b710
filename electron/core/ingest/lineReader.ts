// Reads a file as numbered lines without holding it in memory. A line ends at LF; one CR
// before it is dropped (CRLF files). A lone CR is text, not a line end, so line numbers agree
// with `sed -n` and editors. A byte-order mark at the start is dropped. Bytes that are not
// UTF-8 become U+FFFD. The SHA-256 of the bytes read is kept, so a file that changes while
// it is imported can be told.
//
// A gzip file (told by its magic bytes, never by its name) is read through a decompressing
// stream: the hash, size and progress are of the bytes as stored, the lines are of the
// decompressed text. A line no format may hold (longer than MAX_LINE_BYTES, or cut by the end
// of a broken gzip) is handed on with a `problem` instead of its whole text, so memory stays
// bounded and the reader goes on with the next line.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface NumberedLine {
  /** 1-based, as editors and `sed -n` count. */
  number: number;
  text: string;
  /** Why this line cannot be read as a record (then `text` is at most its first bytes). */
  problem?: string;
  /** The line's length in bytes when `text` holds only its start. */
  bytes?: number;
  /** Set on the last line of a gzip that ends early or breaks: nothing after it was read. */
  cut?: boolean;
}

export interface LineSource {
  lines: AsyncIterable<NumberedLine>;
  /** Bytes read from the file so far, as stored (compressed for gzip), for progress. */
  bytesRead(): number;
  /** SHA-256 (hex) of every byte read; complete once `lines` has ended. */
  sha256(): string;
  /** 'gzip' once the first bytes have shown it; null for plain text. */
  compression(): 'gzip' | null;
  close(): void;
}

/**
 * The longest line read as a record: far above any real log record (a deep stack trace in one
 * JSON line is tens of KB), far below the import's memory budget. Longer lines are rejected.
 */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;
/** What is kept of a line that is rejected for its length (the reject's raw text is clipped anyway). */
const KEPT_OF_LONG_LINE = 4096;

const LF = 0x0a;
const CR = 0x0d;
const GZIP_MAGIC = [0x1f, 0x8b] as const;

function decode(bytes: Buffer, number: number): string {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === CR) end -= 1;
  let start = 0;
  if (number === 1 && end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  return bytes.toString('utf8', start, end);
}

function startsWithGzipMagic(filePath: string): boolean {
  const fd = fs.openSync(filePath, 'r');
  try {
    const head = Buffer.alloc(2);
    return fs.readSync(fd, head, 0, 2, 0) === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    fs.closeSync(fd);
  }
}

/** zlib's own errors (truncated or corrupt data), as opposed to a failure to read the file. */
function isGzipDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('Z_');
}

export function readLines(filePath: string, options: { hash?: boolean } = {}): LineSource {
  const gzip = startsWithGzipMagic(filePath);
  const stream = fs.createReadStream(filePath, { highWaterMark: 1 << 20 });
  const hash = options.hash ? createHash('sha256') : null;
  let bytes = 0;
  let digest: string | null = null;
  const count = (chunk: Buffer): void => {
    bytes += chunk.length;
    hash?.update(chunk);
  };
  let text: Readable = stream;
  if (gzip) {
    // Counted as they leave the file; pipe() holds them in the gunzip, so none is lost before
    // the loop below starts pulling.
    stream.on('data', (chunk) => count(chunk as Buffer));
    const gunzip = createGunzip({ chunkSize: 1 << 18 });
    // A read error reaches the decompressed side too, so one loop sees every failure.
    stream.on('error', (error) => gunzip.destroy(error));
    text = stream.pipe(gunzip);
  }

  async function* numbered(): AsyncGenerator<NumberedLine> {
    let number = 0;
    // Pieces of a line that spans chunks; joined once its end is found.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    // Set while skipping the rest of a line longer than MAX_LINE_BYTES.
    let longLine: { kept: Buffer; bytes: number } | null = null;
    const take = (piece: Buffer): void => {
      if (longLine) {
        longLine.bytes += piece.length;
        return;
      }
      pending.push(piece);
      pendingBytes += piece.length;
      if (pendingBytes > MAX_LINE_BYTES) {
        const joined = Buffer.concat(pending);
        longLine = { kept: Buffer.from(joined.subarray(0, KEPT_OF_LONG_LINE)), bytes: pendingBytes };
        pending = [];
        pendingBytes = 0;
      }
    };
    const finish = (): NumberedLine => {
      number += 1;
      if (longLine) {
        const line: NumberedLine = {
          number,
          text: decode(longLine.kept, number),
          bytes: longLine.bytes,
          problem: `line is ${longLine.bytes.toLocaleString('en-GB')} bytes, longer than the ${MAX_LINE_BYTES.toLocaleString('en-GB')}-byte limit of one record`,
        };
        longLine = null;
        return line;
      }
      const whole = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      return { number, text: decode(whole, number) };
    };

    try {
      for await (const data of text) {
        const chunk = data as Buffer;
        if (!gzip) count(chunk);
        let start = 0;
        let lf = chunk.indexOf(LF, start);
        while (lf !== -1) {
          take(chunk.subarray(start, lf));
          yield finish();
          start = lf + 1;
          lf = chunk.indexOf(LF, start);
        }
        if (start < chunk.length) take(chunk.subarray(start));
      }
    } catch (error) {
      if (!isGzipDataError(error)) throw error;
      // The file is what it is: what came before the break is kept, the break is reported.
      const why = `the gzip data ends early or is corrupt (${(error as Error).message}); nothing after this point could be read`;
      if (pendingBytes > 0 || longLine) {
        const cut = finish();
        yield { ...cut, problem: `cut short: ${why}`, cut: true };
      } else {
        yield { number: number + 1, text: '', problem: why, cut: true };
      }
      // The rest of the stored bytes still count for the hash and the progress.
      if (gzip) for await (const _ of stream) void _;
      if (hash) digest = hash.digest('hex');
      return;
    }
    if (pendingBytes > 0 || longLine) yield finish();
    if (hash) digest = hash.digest('hex');
  }

  return {
    lines: numbered(),
    bytesRead: () => bytes,
    sha256: () => {
      if (digest === null) throw new Error('sha256() before the whole file was read');
      return digest;
    },
    compression: () => (gzip ? 'gzip' : null),
    close: () => {
      stream.destroy();
      text.destroy();
    },
  };
}
