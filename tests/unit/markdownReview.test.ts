import { describe, expect, it } from 'vitest';
import { renderMarkdownReview } from '../../electron/core/review/markdownReview.js';
import { DEFAULT_ANALYSIS_SETTINGS } from '../../shared/analysisSettings.js';
import type { Analysis, SourceSummary } from '../../shared/api.js';

const hostile = '<script>alert(1)</script>](javascript:alert(1)) ```';
const summer = Date.UTC(2026, 6, 1, 8, 0, 0); // 01/07/2026 09:00:00 BST

const analysis: Analysis = {
  schemaVersion: 1,
  rollout: {
    id: 'x@1',
    service: hostile,
    stableVersion: '1|2',
    canaryVersion: '```\n# injected',
    from: new Date(summer).toISOString(),
    to: new Date(summer + 3_600_000).toISOString(),
    fromUk: '01/07/2026 09:00:00',
    toUk: '01/07/2026 10:00:00',
    fromMs: summer,
    toMs: summer + 3_600_000,
    origin: 'found',
    canaryEvents: 1,
    stableEvents: 1,
  },
  settings: DEFAULT_ANALYSIS_SETTINGS,
  totals: [
    { track: 'stable', events: 1, requests: 1, latencySamples: 0 },
    { track: 'canary', events: 1, requests: 1, latencySamples: 0 },
  ],
  verdict: {
    decision: 'hold',
    summary: 'Hold: new-exception.',
    reasons: [
      {
        rule: 'new-exception',
        metric: 'exceptionsPer1000',
        unit: 'per1000',
        stable: 0,
        canary: 1000,
        threshold: 1,
        pValue: null,
        outcome: 'hold',
        blocks: true,
        text: `New exception on the canary: ${hostile}`,
      },
    ],
  },
  comparison: [],
  authFailures: {
    stable: 0,
    canary: 0,
    stablePer1000: 0,
    canaryPer1000: 0,
    pValue: null,
    byRule: {},
    series: [],
    topSources: [],
    canaryOnly: [],
  },
  surges: [],
  newExceptions: [],
  exceptions: [],
  excludedSources: [],
};
const sources: SourceSummary[] = [
  {
    id: 1,
    path: '/logs/<img src=x onerror=alert(1)>.ndjson',
    name: '<img src=x onerror=alert(1)>.ndjson',
    size: 2048,
    sha256: 'f'.repeat(64),
    format: 'ecs-ndjson',
    zone: 'Europe/London',
    importedAt: summer,
    state: 'complete',
    lines: 1,
    events: 1,
    rejects: 0,
    authFailures: 0,
    exceptions: 0,
    metrics: 0,
    details: null,
  },
];

describe('Markdown review', () => {
  const md = renderMarkdownReview({ analysis, sources });

  it('keeps log-derived text inert: no raw HTML, no links, no injected headings', () => {
    // The reproduction SQL quotes values verbatim inside a code block, whose fence is longer
    // than any backtick run in it, so there they are shown as code, never rendered.
    const fence = /^(`{3,})sql$/m.exec(md)?.[1] ?? '';
    expect(fence.length).toBeGreaterThan(3);
    const [before = '', rest = ''] = md.split(`${fence}sql\n`);
    const [code = '', after = ''] = rest.split(`\n${fence}\n`);
    expect(code).not.toContain(fence);
    // A value with a line break or escape is written as hex bytes, exact and inert.
    expect(code).toContain(
      `version = CAST(X'${Buffer.from('```\n# injected').toString('hex').toUpperCase()}' AS TEXT)`,
    );
    const prose = before + after;
    expect(prose).not.toContain('<script>');
    expect(prose).not.toContain('<img');
    expect(prose).not.toMatch(/[^\\]\]\(javascript:/);
    expect(prose).not.toMatch(/^# injected/m);
  });

  it('writes times as DD/MM/YYYY HH:mm:ss in Europe/London with the zone', () => {
    expect(md).toContain('| Window | 01/07/2026 09:00:00 BST to 01/07/2026 10:00:00 BST (1 h 00 min) |');
    expect(md).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('is the same bytes every time', () => {
    expect(renderMarkdownReview({ analysis, sources })).toBe(md);
  });
});
