// Hostile input for the reading pipeline: whatever the bytes, no crash, every good record
// kept, every bad one in rejects with its line number and reason.
import fs from 'node:fs';
import path from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { listRejects } from '../../electron/core/case/rejects.js';
import { listSources } from '../../electron/core/case/sources.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { MAX_LINE_BYTES } from '../../electron/core/ingest/lineReader.js';
import { ecs, tempDir } from '../helpers/tempCase.js';

const good = (n: number): string =>
  ecs({ '@timestamp': `2026-01-05T10:00:${String(n % 60).padStart(2, '0')}Z`, message: `event ${n}` });
const access = (n: number): string =>
  `192.0.2.${n % 250} - - [05/Jan/2026:10:00:${String(n % 60).padStart(2, '0')} +0000] "GET /item/${n} HTTP/1.1" 200 ${n}`;

function fileOf(name: string, bytes: Buffer | string): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, bytes);
  return file;
}

async function imported(file: string, options: { format?: string } = {}) {
  const db = openCase(path.join(tempDir(), 'h.coalmine'), { create: true });
  const result = await importFile(db, file, options);
  const rejects = listRejects(db, result.sourceId ?? -1);
  const lines = db.prepare(`SELECT source_line FROM events ORDER BY source_line`).pluck().all() as number[];
  const source = listSources(db)[0];
  db.close();
  return { result, rejects, lines, source };
}

describe('hostile input', () => {
  it('invalid UTF-8: text becomes U+FFFD and is kept where the record is still sound; garbage is rejected', async () => {
    const file = fileOf(
      'utf8.ndjson',
      Buffer.concat([
        Buffer.from(good(1) + '\n'),
        Buffer.from('{"@timestamp":"2026-01-05T10:00:02Z","message":"caf'),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('"}\n'),
        Buffer.from([0xfe, 0xfe, 0xff, 0x80, 0x0a]),
        Buffer.from(good(4) + '\n'),
      ]),
    );
    const { result, rejects, lines } = await imported(file);
    expect(result).toMatchObject({ lines: 4, events: 3, rejects: 1, state: 'complete' });
    expect(lines).toEqual([1, 2, 4]);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([[3, expect.stringMatching(/not valid JSON/)]]);
  });

  it('binary and NUL bytes: the lines that hold them are rejected, the others kept', async () => {
    const file = fileOf(
      'nul.ndjson',
      Buffer.concat([
        Buffer.from(good(1) + '\n'),
        Buffer.from('{"@timestamp":"2026-01-05T10:00:02Z","message":"a\0b"}\n'),
        Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256).filter((b) => b !== 0x0a)),
        Buffer.from('\n' + good(4) + '\n'),
      ]),
    );
    const { result, rejects, lines } = await imported(file);
    expect(result).toMatchObject({ lines: 4, events: 2, rejects: 2 });
    expect(lines).toEqual([1, 4]);
    expect(rejects.map((r) => r.line)).toEqual([2, 3]);
    expect(rejects.every((r) => /not valid JSON/.test(r.reason))).toBe(true);
  });

  it(`a 50 MB single line is rejected for its length (over ${MAX_LINE_BYTES} bytes) and reading goes on`, async () => {
    const huge = '{"@timestamp":"2026-01-05T10:00:02Z","message":"' + 'x'.repeat(50 * 1024 * 1024) + '"}';
    const file = fileOf('huge.ndjson', [good(1), huge, good(3)].join('\n') + '\n');
    const { result, rejects, lines } = await imported(file);
    expect(result).toMatchObject({ lines: 3, events: 2, rejects: 1, state: 'complete' });
    expect(lines).toEqual([1, 3]);
    expect(rejects[0]).toMatchObject({ line: 2, rawBytes: Buffer.byteLength(huge) });
    expect(rejects[0]?.reason).toMatch(/^line is 52,428,[0-9]{3} bytes, longer than the 8,388,608-byte limit/);
    // Only its start is kept as evidence.
    expect(rejects[0]?.raw.length).toBeLessThanOrEqual(4096);
    expect(rejects[0]?.raw.startsWith('{"@timestamp"')).toBe(true);
  });

  it('empty files, plain or gzip, are complete sources with nothing in them', async () => {
    for (const file of [fileOf('empty.log', ''), fileOf('empty.log.gz', gzipSync(''))]) {
      const { result, source } = await imported(file);
      expect(result).toMatchObject({ lines: 0, events: 0, rejects: 0, state: 'complete' });
      expect(source?.state).toBe('complete');
    }
  });

  it('a byte-order mark and CRLF endings in an access log', async () => {
    const file = fileOf('crlf.log', '\uFEFF' + [access(1), access(2), 'junk'].join('\r\n') + '\r\n');
    const { result, rejects } = await imported(file);
    expect(result).toMatchObject({ format: 'access-log', lines: 3, events: 2, rejects: 1 });
    expect(rejects[0]).toMatchObject({ line: 3, raw: 'junk' });
  });

  it('a truncated last line (no line end, JSON cut) is rejected by its number', async () => {
    const file = fileOf('trunc.ndjson', `${good(1)}\n${good(2)}\n{"@timestamp":"2026-01-05T10:`);
    const { result, rejects } = await imported(file);
    expect(result).toMatchObject({ lines: 3, events: 2, rejects: 1, state: 'complete' });
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([[3, expect.stringMatching(/not valid JSON/)]]);
  });

  it('a gzip that ends early: every record before the cut kept, the cut rejected and reported, source complete', async () => {
    const text = Array.from({ length: 5000 }, (_, i) => access(i + 1)).join('\n') + '\n';
    const whole = gzipSync(text);
    const cutBytes = whole.subarray(0, Math.floor(whole.length / 2));
    const file = fileOf('cut.log.gz', cutBytes);
    // What can be decompressed before the cut: its complete lines are the records to keep.
    const readable = gunzipSync(cutBytes, { finishFlush: constants.Z_SYNC_FLUSH }).toString();
    const completeLines = readable.split('\n').length - 1;
    expect(completeLines).toBeGreaterThan(100);

    const { result, rejects, lines, source } = await imported(file);
    expect(result.compression).toBe('gzip');
    expect(result).toMatchObject({ format: 'access-log', events: completeLines, state: 'complete' });
    expect(lines.at(-1)).toBe(completeLines);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]?.line).toBe(completeLines + 1);
    expect(rejects[0]?.reason).toMatch(/gzip data ends early or is corrupt \(unexpected end of file\)/);
    expect(result.cut).toMatchObject({ line: completeLines + 1 });
    expect(source).toMatchObject({ state: 'complete', size: cutBytes.length, details: { compression: 'gzip' } });
    expect(source?.details?.cut).toMatchObject({ line: completeLines + 1 });
  });

  it('a file that is only garbage cannot be told as any format, and nothing is stored', async () => {
    const file = fileOf('noise.bin', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131) % 256)));
    const db = openCase(path.join(tempDir(), 'n.coalmine'), { create: true });
    await expect(importFile(db, file)).rejects.toThrow(/noise\.bin: cannot tell its format/);
    expect(listSources(db)).toEqual([]);
    db.close();
  });
});
