// Reads a file as numbered lines without holding it in memory. CRLF and LF both end a line;
// a byte-order mark at the start is dropped.
import fs from 'node:fs';
import readline from 'node:readline';

export interface NumberedLine {
  /** 1-based, as editors and `sed -n` count. */
  number: number;
  text: string;
}

export interface LineSource {
  lines: AsyncIterable<NumberedLine>;
  /** Bytes read from the file so far (for progress). */
  bytesRead(): number;
  close(): void;
}

export function readLines(filePath: string): LineSource {
  const stream = fs.createReadStream(filePath, { highWaterMark: 1 << 20 });
  let bytes = 0;
  stream.on('data', (chunk) => {
    bytes += chunk.length;
  });
  const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });

  async function* numbered(): AsyncGenerator<NumberedLine> {
    let number = 0;
    for await (const raw of rl) {
      number += 1;
      yield { number, text: number === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw };
    }
  }

  return {
    lines: numbered(),
    bytesRead: () => bytes,
    close: () => {
      rl.close();
      stream.destroy();
    },
  };
}
