// What the evidence appendix needs to know of a file before a byte of it is trusted.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { CoalmineError } from '../../../shared/errors.js';

export interface FileFacts {
  path: string;
  size: number;
  sha256: string;
  /** Last modification, UTC ms: the year of year-less syslog lines defaults to it. */
  mtimeMs: number;
}

export async function fileFacts(filePath: string): Promise<FileFacts> {
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
  try {
    await pipeline(fs.createReadStream(filePath), hash);
  } catch (error) {
    throw new CoalmineError('UNREADABLE', `${filePath}: ${(error as Error).message}`, { cause: error });
  }
  return { path: filePath, size: stat.size, sha256: hash.digest('hex'), mtimeMs: stat.mtimeMs };
}
