// A review document written by hand, for testing renderers without a case. Its log-derived
// text is hostile on purpose (markup, a javascript: link, a fence, a table break), as log
// content can be; its figures are those of a rollback so every section has something to show.
import { formatUkWithZone } from '../../shared/ukTime.js';
import type { ReviewDocument, ReviewTime } from '../../shared/review.js';

/**
 * User names as hostile logs write them: markup, a table break, emphasis, a right-to-left
 * override, a line break, a fence. Only a review in clear shows them.
 */
export const HOSTILE_NAMES = [
  '<script>alert(1)</script>',
  '| pipe |',
  '**bold**',
  'evil\u202Egnp.exe',
  'line\nbreak',
  '```fence',
] as const;

export const HOSTILE = '<script>alert(1)</script> [x](javascript:alert(1)) ``` | # <img src=x onerror=alert(2)>';

/** 02/03/2026 09:30:00 GMT. */
const T0 = Date.UTC(2026, 2, 2, 9, 30, 0);
const MINUTE = 60_000;

export function reviewTime(epochMs: number): ReviewTime {
  return { epochMs, uk: formatUkWithZone(epochMs) };
}

const at = (minute: number): ReviewTime => reviewTime(T0 + minute * MINUTE);

/** The section when no principal or IP failed authentication on either track. */
export function emptyAffected(): ReviewDocument['affected'] {
  return {
    summary: [
      'No principal or client IP failed authentication on the canary in the window, so nobody failed only on the canary.',
    ],
    principals: { canary: 0, stable: 0, canaryOnly: 0 },
    clientIps: { canary: 0, stable: 0, canaryOnly: 0 },
    canaryUnnamed: 0,
    canaryOnly: [],
    canaryOnlyNotListed: { users: 0, ips: 0 },
    surges: [],
  };
}

/** The section when everyone who failed on the canary failed on stable too: counts, nobody listed. */
export function affectedOnBothTracks(): ReviewDocument['affected'] {
  return {
    ...emptyAffected(),
    summary: [
      'Nobody failed authentication only on the canary: every principal (2) and client IP (1) that failed on it also failed on stable in the window.',
    ],
    principals: { canary: 2, stable: 9, canaryOnly: 0 },
    clientIps: { canary: 1, stable: 4, canaryOnly: 0 },
  };
}

export function sampleReviewDocument(overrides: Partial<ReviewDocument> = {}): ReviewDocument {
  const sha = 'a3f1c2'.padEnd(64, '0');
  return {
    schemaVersion: 1,
    title: 'Post-deployment review: checkout 2.4.0 → 2.5.0',
    service: 'checkout',
    rolloutId: 'checkout@2.5.0',
    stableVersion: '2.4.0',
    canaryVersion: '2.5.0',
    window: { from: at(0), to: at(60), duration: '1 h 00 min', crossesClockChange: false },
    timeNote: 'All times are in Europe/London, written DD/MM/YYYY HH:mm:ss (24 h) with GMT or BST.',
    asOf: at(60),
    verdict: {
      decision: 'rollback',
      label: 'Roll back',
      summary: 'Roll back: a 401 surge and a new exception on the canary.',
      reasons: [
        {
          rule: 'auth-surge',
          outcome: 'rollback',
          blocks: true,
          text: 'The canary answered 401 to 23 of 118 requests between 02/03/2026 09:52:00 GMT and 02/03/2026 10:04:00 GMT, against stable’s 3 of 653.',
        },
        {
          rule: 'new-exception',
          outcome: 'hold',
          blocks: true,
          text: `A new exception appeared on the canary: SignatureException: ${HOSTILE}`,
        },
        {
          rule: 'error-rate',
          outcome: 'pre-existing',
          blocks: false,
          text: 'The 5xx rate breaches its threshold on stable too.',
        },
      ],
    },
    author: 'Analyst <b>One</b>',
    signOff: { name: null, role: null, date: null },
    pseudonymised: true,
    summary: [
      'Between 02/03/2026 09:30:00 GMT and 02/03/2026 10:30:00 GMT the canary (2.5.0) served 118 requests and stable (2.4.0) 653.',
      'The canary answered 401 to 19.5 % of its requests during a surge, against 0.5 % on stable.',
      'A new SignatureException appeared on the canary only, 23 times.',
      'The verdict is to roll back.',
    ],
    comparison: {
      rows: [
        {
          metric: 'requests',
          label: 'Requests',
          stable: '653',
          canary: '118',
          variance: '−81.9 %',
          pValue: '—',
          action: 'none',
          actionRequired: 'None',
        },
        {
          metric: 'rate401',
          label: '401 rate',
          stable: '0.5 % (3 of 653)',
          canary: '19.5 % (23 of 118)',
          variance: '+4,143.2 %',
          pValue: '< 0.0001',
          action: 'rollback',
          actionRequired: 'Roll back',
        },
        {
          metric: 'latencyP95',
          label: 'p95 latency',
          stable: '178.2 ms',
          canary: '239.4 ms',
          variance: '+34.3 %',
          pValue: '< 0.0001',
          action: 'hold',
          actionRequired: 'Hold',
        },
        {
          metric: 'business:checkout|ok',
          label: `Checkouts ${HOSTILE}`,
          stable: '12.0 %',
          canary: '11.8 %',
          variance: '−1.7 %',
          pValue: '0.91',
          action: 'none',
          actionRequired: 'None',
        },
      ],
      notes: ['Variance is (canary − stable) / stable. p95 is the nearest-rank 95th percentile.'],
    },
    timeline: [
      {
        at: at(22),
        until: at(34),
        kind: 'surge',
        title: '401 surge on the canary',
        detail: 'The canary answered 401 to 23 of 118 requests; stable to 3 of 653.',
        evidence: {
          counts: '23 of 118 canary requests',
          sample: {
            text: `GET /api/pay 401 user=user-7f3a2c91 ${HOSTILE}`,
            at: at(23),
            sourceId: 1,
            sourceName: 'canary-<i>1</i>.ndjson',
            line: 412,
          },
        },
      },
      {
        at: at(23),
        until: null,
        kind: 'new-exception',
        title: 'First SignatureException on the canary',
        detail: `JWKS key not found for kid <hex>: ${HOSTILE}`,
        evidence: { counts: '23 events, all on the canary', sample: null },
      },
      {
        at: at(41),
        until: null,
        kind: 'rollout-action',
        title: 'Rollout aborted',
        detail: 'Argo Rollouts aborted the canary.',
        evidence: {
          counts: '1 event',
          sample: {
            text: 'rollout aborted by user-1b2c3d4e',
            at: at(41),
            sourceId: 2,
            sourceName: 'argo.log',
            line: 7,
          },
        },
      },
    ],
    affected: {
      summary: [
        '8 principals and 1 client IP failed authentication on the canary and never on stable in the window.',
        'In all, 12 principals and 3 client IPs failed on the canary (118 requests), against 5 principals and 4 client IPs on stable (653 requests).',
      ],
      principals: { canary: 12, stable: 5, canaryOnly: 2 + HOSTILE_NAMES.length },
      clientIps: { canary: 3, stable: 4, canaryOnly: 1 },
      canaryUnnamed: 0,
      canaryOnly: [
        { kind: 'user', name: 'user-7f3a2c91d0e4', count: 19 },
        ...HOSTILE_NAMES.map((name) => ({ kind: 'user' as const, name, count: 1 })),
        { kind: 'ip', name: 'ip-0a1b2c3d4e5f', count: 4 },
      ],
      canaryOnlyNotListed: { users: 1, ips: 0 },
      surges: [
        {
          status: 401,
          at: at(22),
          until: at(34),
          parties: [
            { kind: 'user', name: 'user-7f3a2c91d0e4', count: 17 },
            { kind: 'user', name: HOSTILE, count: 2 },
            { kind: 'ip', name: 'ip-0a1b2c3d4e5f', count: 4 },
          ],
          distinct: { users: 3, ips: 1 },
        },
      ],
    },
    actions: [
      {
        at: at(41),
        text: 'Rollout aborted',
        by: null,
        origin: 'logs',
        evidence: { counts: '1 event', sample: null },
      },
      { at: at(45), text: `Paged the identity team ${HOSTILE}`, by: 'Analyst One', origin: 'analyst', evidence: null },
      { at: null, text: 'Opened incident INC-1042', by: null, origin: 'analyst', evidence: null },
    ],
    rootCause: {
      whatOccurred: 'The canary rejected valid tokens from 09:52:00 GMT.',
      why: `Draft: the canary could not verify token signatures (${HOSTILE}).`,
      prevention: 'Draft: test key rotation before a rollout.',
      draft: true,
    },
    recommendations: [
      {
        id: 'key-rotation',
        text: 'Check signing-key rotation and token validation in the canary.',
        because: 'A 401 surge came with a new token exception on the canary.',
        origin: 'rule',
      },
      {
        id: 'profile-endpoints',
        text: 'Profile the endpoints that changed.',
        because: 'The canary’s p95 latency regressed by 34.3 %.',
        origin: 'rule',
      },
      {
        id: 'analyst-1',
        text: `Add a JWKS canary check ${HOSTILE}`,
        because: 'added by the analyst',
        origin: 'analyst',
      },
    ],
    evidence: {
      sources: [
        {
          id: 1,
          name: 'canary-<i>1</i>.ndjson',
          sha256: sha,
          size: 1_234_567,
          sizeText: '1.2 MB',
          format: 'ecs-ndjson',
          zone: 'Europe/London',
          lines: 800,
          events: 771,
          rejects: 2,
          authFailures: 26,
          exceptions: 23,
          importedAt: at(120),
          state: 'complete',
          pull: null,
        },
        {
          id: 2,
          name: 'es:logs-*',
          sha256: 'b'.repeat(64),
          size: 4096,
          sizeText: '4.0 kB',
          format: 'elasticsearch',
          zone: 'UTC',
          lines: 10,
          events: 10,
          rejects: 0,
          authFailures: 0,
          exceptions: 0,
          importedAt: at(125),
          state: 'complete',
          pull: {
            cluster: 'prod-logs (uuid 5f2c)',
            index: 'logs-*',
            query: `service.name:checkout AND message:"${HOSTILE}"`,
            from: at(0),
            to: at(60),
            hits: 10,
            pulledAt: at(125),
          },
        },
      ],
      excludedSources: [{ id: 3, name: 'half.log', state: 'incomplete' }],
      queries: [
        {
          figure: 'Canary 401 rate',
          sql: "SELECT count(status), sum(status = 401) FROM events WHERE service = 'checkout' AND track = 'canary';",
        },
      ],
      thresholds: [
        { key: 'maxErrorRate', value: '1 %', meaning: 'The 5xx rate above which the canary is rolled back.' },
      ],
    },
    ...overrides,
  };
}
