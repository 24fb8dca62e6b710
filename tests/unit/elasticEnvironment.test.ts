// An Elasticsearch pull of `logs-*` holds several environments: each hit keeps its own
// (`service.environment`), and `--environment` fills the hits that name none.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { listSources } from '../../electron/core/case/sources.js';
import { type PullOptions, pullIntoCase } from '../../electron/core/elastic/pull.js';
import { buildPullRequest } from '../../electron/core/elastic/pullRequest.js';
import { FakeCluster, ecsDocs, mockConnection } from '../helpers/fakeElastic.js';
import { tempDir } from '../helpers/tempCase.js';

describe('the environment of pulled hits', () => {
  it('is the hit’s own, or the one the pull gives for hits that name none; metric samples too', async () => {
    const docs = ecsDocs(4);
    const source = (i: number): Record<string, unknown> => docs[i]?._source as Record<string, unknown>;
    source(0)['service.environment'] = 'production';
    source(1).service = { environment: 'staging' };
    docs[3]!._source = {
      '@timestamp': '2026-03-29T00:00:03Z',
      'metricset.name': 'cpu',
      'service.name': 'checkout',
      'deployment.environment': 'production',
      'system.cpu.total.norm.pct': 0.5,
    };
    const options: PullOptions = {
      Connection: mockConnection(new FakeCluster(docs)) as PullOptions['Connection'],
      sleep: () => Promise.resolve(),
    };
    const db = openCase(path.join(tempDir(), 'pull.coalmine'), { create: true });
    const request = buildPullRequest({
      url: 'http://es.example.test:9200',
      index: 'logs-*',
      from: '2026-03-29T00:00:00Z',
      to: '2026-03-29T01:00:00Z',
      environment: ' qa ',
    });
    expect(request.environment).toBe('qa');
    const result = await pullIntoCase(db, request, options);
    expect(result).toMatchObject({ events: 3, metrics: 1, rejects: 0 });
    expect(db.prepare(`SELECT source_line AS line, environment FROM events ORDER BY source_line`).all()).toEqual([
      { line: 1, environment: 'production' },
      { line: 2, environment: 'staging' },
      { line: 3, environment: 'qa' },
    ]);
    expect(db.prepare(`SELECT environment FROM metrics`).pluck().all()).toEqual(['production']);
    expect(listSources(db)[0]?.details).toMatchObject({ environment: 'qa' });
    closeCase(db);
  });
});
