// TLS for pulls, over real HTTPS on 127.0.0.1 with certificates made here by openssl: the
// cluster's certificate is verified unless turned off by name; `--ca` and `--fingerprint`
// (the CA pinned by its SHA-256, then the chain verified against it) both work; a forged
// leaf sent along with the real CA certificate is refused.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { pullIntoCase } from '../../electron/core/elastic/pull.js';
import { type PullFields, buildPullRequest } from '../../electron/core/elastic/pullRequest.js';
import { CoalmineError } from '../../shared/errors.js';
import { FakeCluster, type FakeServer, ecsDocs, startFakeServer } from '../helpers/fakeElastic.js';
import { coalmineAsync } from '../helpers/cliAsync.js';
import { tempDir } from '../helpers/tempCase.js';

interface Pki {
  caPem: string;
  caFingerprint: string;
  /** Leaf for 127.0.0.1 signed by the CA, followed by the CA (the chain a cluster sends). */
  chain: string;
  key: string;
  /** A leaf signed by another key under the same CA name, sent with the real CA certificate. */
  forgedChain: string;
  forgedKey: string;
}

function makePki(dir: string): Pki {
  const run = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=Test Cluster CA', '-days', '2');
  // The rogue CA copies the real one's name and key identifier, so that a client walking the
  // presented chain by name and identifier (not signature) links the forged leaf to the real CA.
  const skid = execFileSync('openssl', ['x509', '-in', 'ca.pem', '-noout', '-ext', 'subjectKeyIdentifier'], {
    cwd: dir,
    encoding: 'utf8',
  })
    .split('\n')[1]
    ?.trim();
  run(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'rogue.key',
    '-out',
    'rogue.pem',
    '-subj',
    '/CN=Test Cluster CA',
    '-days',
    '2',
    '-addext',
    `subjectKeyIdentifier=${skid ?? ''}`,
  );
  for (const [leaf, ca] of [
    ['leaf', 'ca'],
    ['forged', 'rogue'],
  ] as const) {
    run('req', ...ec, '-keyout', `${leaf}.key`, '-out', `${leaf}.csr`, '-subj', '/CN=127.0.0.1');
    run(
      'x509',
      '-req',
      '-in',
      `${leaf}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${leaf}.pem`,
      '-days',
      '2',
      '-extfile',
      'san.ext',
    );
  }
  const read = (name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');
  const caPem = read('ca.pem');
  return {
    caPem,
    caFingerprint: new X509Certificate(caPem).fingerprint256,
    chain: read('leaf.pem') + caPem,
    key: read('leaf.key'),
    forgedChain: read('forged.pem') + caPem,
    forgedKey: read('forged.key'),
  };
}

let pki: Pki;
const servers: FakeServer[] = [];

beforeAll(() => {
  pki = makePki(tempDir());
});

afterAll(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function httpsCluster(forged = false): Promise<string> {
  const server = await startFakeServer(
    new FakeCluster(ecsDocs(4)),
    forged ? { key: pki.forgedKey, cert: pki.forgedChain } : { key: pki.key, cert: pki.chain },
  );
  servers.push(server);
  return server.url;
}

function fieldsFor(url: string, tls: PullFields['tls'] = {}): PullFields {
  return { url, index: 'logs-*', from: '2026-03-29T00:00:00Z', to: '2026-03-29T01:00:00Z', tls };
}

async function pull(fields: PullFields): Promise<{ events?: number; error?: CoalmineError }> {
  const db = openCase(path.join(tempDir(), 'tls.coalmine'), { create: true });
  try {
    const result = await pullIntoCase(db, buildPullRequest(fields), { sleep: () => Promise.resolve(), maxAttempts: 1 });
    return { events: result.events };
  } catch (error) {
    if (error instanceof CoalmineError) return { error };
    throw error;
  } finally {
    closeCase(db);
  }
}

describe('pull over TLS', () => {
  it('verifies the certificate by default, and says how to give the CA', async () => {
    const { error } = await pull(fieldsFor(await httpsCluster()));
    expect(error?.code).toBe('REMOTE_FAILED');
    expect(error?.message).toContain('give the cluster CA with --ca FILE or --fingerprint SHA256');
  });

  it('trusts the CA given as PEM', async () => {
    const url = await httpsCluster();
    expect(await pull(fieldsFor(url, { ca: { pem: pki.caPem, label: 'ca.pem' } }))).toEqual({ events: 4 });
  });

  it('trusts the CA pinned by its SHA-256 fingerprint, and nothing else', async () => {
    const url = await httpsCluster();
    expect(await pull(fieldsFor(url, { fingerprint: pki.caFingerprint }))).toEqual({ events: 4 });
    const wrong = await pull(fieldsFor(url, { fingerprint: 'AB'.repeat(32) }));
    expect(wrong.error?.message).toContain(
      'has the SHA-256 fingerprint given with --fingerprint; nothing was sent to it',
    );
  });

  it('refuses a forged leaf sent along with the real CA certificate', async () => {
    const url = await httpsCluster(true);
    const { error } = await pull(fieldsFor(url, { fingerprint: pki.caFingerprint }));
    // The real CA was found in the chain by its fingerprint; the chain then failed verification.
    expect(error?.code).toBe('REMOTE_FAILED');
    expect(error?.message).toMatch(/^pulling logs-\* from https:\/\/127\.0\.0\.1:\d+: cannot reach .*signature/);
    expect(await pull(fieldsFor(url, { ca: { pem: pki.caPem, label: 'ca.pem' } }))).toMatchObject({
      error: { code: 'REMOTE_FAILED' },
    });
  });

  it('skips verification only when asked by name', async () => {
    const url = await httpsCluster(true);
    expect(await pull(fieldsFor(url, { insecureSkipVerify: true }))).toEqual({ events: 4 });
  });

  it('coalmine pull takes --ca FILE and --fingerprint, and warns when verification is turned off', async () => {
    const url = await httpsCluster();
    const dir = tempDir();
    const caFile = path.join(dir, 'http_ca.crt');
    fs.writeFileSync(caFile, pki.caPem);
    const base = ['--url', url, '--index', 'logs-*', '--from', '2026-03-29T00:00:00Z', '--to', '2026-03-29T01:00:00Z'];
    const withCa = await coalmineAsync(['pull', path.join(dir, 'a.coalmine'), ...base, '--ca', caFile]);
    expect(withCa.stderr).toContain('4 events from 4 of 4 hits');
    expect(withCa.code).toBe(0);
    const pinned = await coalmineAsync([
      'pull',
      path.join(dir, 'b.coalmine'),
      ...base,
      '--fingerprint',
      pki.caFingerprint,
    ]);
    expect(pinned.stderr).toContain('4 events from 4 of 4 hits');
    const insecure = await coalmineAsync(['pull', path.join(dir, 'c.coalmine'), ...base, '--insecure-skip-tls-verify']);
    expect(insecure.stderr).toContain('warning: TLS certificate verification is off (--insecure-skip-tls-verify)');
    expect(insecure.code).toBe(0);
    const db = openCase(path.join(dir, 'a.coalmine'), { readOnly: true });
    const details = (db.prepare(`SELECT details FROM sources`).get() as { details: string }).details;
    expect(JSON.parse(details)).toMatchObject({ tls: { verify: true, ca: `--ca ${caFile}`, fingerprint: null } });
    closeCase(db);
  });
});
