// What the evidence appendix needs to know of a file before a byte of it is trusted.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { CoalmineError } from '../../../shared/errors.js';

export interface FileFacts {
  path: string;
  size: number;
  sha256: string;
  /** Last modification, UTC ms: the year of year-less syslog lines defaults to it. */
  mtimeMs: number;
  /** SHA-256 of the file's first N bytes, for each N asked for (`prefixSizes`) below its size. */
  prefixSha256: Map<number, string>;
}

/**
 * Size, modification time and SHA-256 of a file; also the SHA-256 of its first N bytes for each
 * N in `prefixSizes`, taken in the same read (an earlier import of a log that has since grown).
 */
export async function fileFacts(filePath: string, prefixSizes: readonly number[] = []): Promise<FileFacts> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(filePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new CoalmineError('UNREADABLE', `${filePath}: ${why}`, { cause: error });
  }
  if (!stat.isFile()) throw new CoalmineError('UNREADABLE', `${filePath}: not a regular file`);
  const hash = createHash('sha256');
  const pending = [...new Set(prefixSizes)].filter((n) => n > 0 && n < stat.size).sort((a, b) => a - b);
  const prefixSha256 = new Map<number, string>();
  let offset = 0;
  try {
    for await (const data of fs.createReadStream(filePath, { highWaterMark: 1 << 20 })) {
      const chunk = data as Buffer;
      let start = 0;
      // A prefix ends inside this chunk: hash up to it, and keep a copy of the running digest.
      while (pending.length > 0 && (pending[0] ?? 0) <= offset + chunk.length) {
        const end = (pending.shift() ?? 0) - offset;
        hash.update(chunk.subarray(start, end));
        start = end;
        prefixSha256.set(offset + end, hash.copy().digest('hex'));
      }
      hash.update(chunk.subarray(start));
      offset += chunk.length;
    }
  } catch (error) {
    throw new CoalmineError('UNREADABLE', `${filePath}: ${(error as Error).message}`, { cause: error });
  }
  return { path: filePath, size: stat.size, sha256: hash.digest('hex'), mtimeMs: stat.mtimeMs, prefixSha256 };
}
