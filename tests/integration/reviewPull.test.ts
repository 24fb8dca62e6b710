// An Elasticsearch pull in the review's evidence: the cluster, index, query and window as the
// pull recorded them, the query's personal data pseudonymised, and never a credential.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { pullIntoCase, type PullOptions } from '../../electron/core/elastic/pull.js';
import { buildPullRequest } from '../../electron/core/elastic/pullRequest.js';
import { createPseudonymiser, readPseudonymKey } from '../../electron/core/review/pseudonymise.js';
import { renderJsonReview } from '../../electron/core/review/reviewJson.js';
import { buildReviewDocument } from '../../electron/core/review/reviewModel.js';
import { CLUSTER, FakeCluster, ecsDocs, mockConnection } from '../helpers/fakeElastic.js';
import { tempDir } from '../helpers/tempCase.js';

const API_KEY = 'c2VjcmV0LWtleS1pZDpzM2NyM3Q=XYZ-very-secret-api-key';

describe('review of a case pulled from Elasticsearch', () => {
  it('names the cluster, index, query and window of the pull, with the query pseudonymised', async () => {
    const db = openCase(path.join(tempDir(), 'pull.coalmine'), { create: true });
    const docs = ecsDocs(400, '2026-03-29T00:00:00.000Z', { 'user.name': 'alice@corp.example' });
    const cluster = new FakeCluster(docs);
    const request = buildPullRequest({
      url: 'https://es.example.test:9200',
      index: 'logs-checkout-*',
      from: '2026-03-29T00:00:00Z',
      to: '2026-03-29T01:00:00Z',
      query: 'user.name:"alice@corp.example" OR client.ip:192.0.2.44',
      pageSize: 100,
      auth: { kind: 'apiKey', apiKey: API_KEY },
    });
    await pullIntoCase(db, request, { Connection: mockConnection(cluster) as PullOptions['Connection'] });

    const doc = buildReviewDocument(db, { pseudonymise: true });
    const json = renderJsonReview(doc);
    expect(json).not.toContain(API_KEY);
    expect(json).not.toMatch(/alice|corp\.example|192\.0\.2\.44/);
    const [source] = doc.evidence.sources;
    expect(source).toMatchObject({
      name: `logs-checkout-* on ${CLUSTER.name}`,
      format: 'elasticsearch',
      lines: 400,
      events: 400,
      state: 'complete',
    });
    const p = createPseudonymiser(readPseudonymKey(db), []);
    expect(source?.pull).toMatchObject({
      cluster: `${CLUSTER.name} at https://es.example.test:9200`,
      index: 'logs-checkout-*',
      hits: 400,
      // The window as the pull asked for it: from included, to excluded; 29/03/2026 is the day
      // clocks go forward, at 01:00 GMT.
      from: { uk: '29/03/2026 00:00:00 GMT' },
      to: { uk: '29/03/2026 02:00:00 BST' },
    });
    expect(source?.pull?.query).toContain(p.value('email', 'alice@corp.example'));
    expect(source?.pull?.query).toContain(p.value('ip', '192.0.2.44'));
    expect(source?.pull?.pulledAt?.uk).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} (GMT|BST)$/);

    const clear = buildReviewDocument(db, { pseudonymise: false });
    expect(clear.evidence.sources[0]?.pull?.query).toContain('alice@corp.example');
    db.close();
  });
});
