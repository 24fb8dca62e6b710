// `coalmine web`'s life: it ends with a reason when it cannot serve, and it always leaves the
// case whole (journal back to DELETE) when stopped, however many signals arrive.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { projectRoot } from '../helpers/cli.js';
import { coalmineAsync } from '../helpers/cliAsync.js';
import { tempDir } from '../helpers/tempCase.js';

async function fixtureCase(): Promise<string> {
  const casePath = path.join(tempDir(), 'web.coalmine');
  const db = openCase(casePath, { create: true });
  await importFile(db, path.join(projectRoot, 'tests/fixtures/small-rollout.ndjson'));
  closeCase(db);
  return casePath;
}

describe('coalmine web', () => {
  it('ends with the reason when its port is taken, instead of staying up with nothing to serve', async () => {
    const casePath = await fixtureCase();
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const run = await coalmineAsync(['web', casePath, '--port', String(port)]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--port ${port}: 127.0.0.1:${port} cannot be used (EADDRINUSE)`);
    } finally {
      holder.close();
    }
    // The service thread closed the case on its way out.
    expect(fs.readFileSync(casePath)[18]).toBe(1);
  });

  it('closes the case whole when two signals arrive at once', async () => {
    const casePath = await fixtureCase();
    const run = await coalmineAsync(['web', casePath], {}, (child) => {
      child.stdout?.on('data', (data: Buffer) => {
        if (!data.toString().includes('http://127.0.0.1:')) return;
        child.kill('SIGINT');
        child.kill('SIGTERM');
      });
    });
    expect(run.code).toBe(0);
    // Bytes 18 and 19 of an SQLite file: 1 for a rollback journal (DELETE), 2 for WAL.
    expect([...fs.readFileSync(casePath).subarray(18, 20)]).toEqual([1, 1]);
    expect(fs.existsSync(`${casePath}-wal`)).toBe(false);
  });
});
