// The first review document: Markdown for a knowledge base. Every time is DD/MM/YYYY
// HH:mm:ss in Europe/London with its zone; everything taken from logs is escaped; the same
// case gives the same bytes (no generation time in the body).
import type { Analysis, ComparisonRow, SourceSummary } from '../../../shared/api.js';
import {
  formatBytes,
  formatCount,
  formatMetricValue,
  formatComparisonCell,
  formatPValue,
  formatVariance,
} from '../../../shared/metricFormat.js';
import { formatDuration, formatUkWithZone } from '../../../shared/ukTime.js';
import { hasControlCharacters } from '../../../shared/controlCharacters.js';
import { COMPLETE_SOURCES } from '../analysis/cohorts.js';
import { analyseRollout } from '../analysis/analyse.js';
import { DECISION_WORDS } from '../analysis/verdict.js';
import type { CaseDb } from '../case/caseStore.js';
import { listSources } from '../case/sources.js';
import { codeFence, codeSpan, escapeMarkdown } from './markdownEscape.js';

export interface ReviewInput {
  analysis: Analysis;
  sources: SourceSummary[];
}

function summary(analysis: Analysis): string {
  const { rollout, comparison, totals } = analysis;
  const get = (metric: ComparisonRow['metric']): ComparisonRow | undefined =>
    comparison.find((r) => r.metric === metric);
  const stable = totals.find((t) => t.track === 'stable');
  const canary = totals.find((t) => t.track === 'canary');
  const sentences = [
    `Between ${formatUkWithZone(rollout.fromMs)} and ${formatUkWithZone(rollout.toMs)} the canary ` +
      `(version ${escapeMarkdown(rollout.canaryVersion || 'unversioned')}) served ` +
      `${formatCount(canary?.requests ?? 0)} requests and stable ` +
      `(version ${escapeMarkdown(rollout.stableVersion ?? 'unknown')}) ${formatCount(stable?.requests ?? 0)}.`,
  ];
  for (const metric of ['rate5xx', 'rate401', 'latencyP95'] as const) {
    const row = get(metric);
    if (!row || row.canary === null || row.stable === null) continue;
    sentences.push(
      `The canary's ${row.label} was ${formatMetricValue(row.unit, row.canary)} against stable's ` +
        `${formatMetricValue(row.unit, row.stable)} (${formatVariance(row)}).`,
    );
  }
  return sentences.join(' ');
}

/**
 * A value as an SQL literal to paste into sqlite3. Text holding control characters is
 * written as hex bytes, so it reproduces exactly and shows nothing that could act.
 */
function sqlText(value: string): string {
  if (!hasControlCharacters(value)) return `'${value.replace(/'/g, "''")}'`;
  return `CAST(X'${Buffer.from(value, 'utf8').toString('hex').toUpperCase()}' AS TEXT)`;
}

export function renderMarkdownReview({ analysis, sources }: ReviewInput): string {
  const { rollout, comparison, totals } = analysis;
  const stableRequests = totals.find((t) => t.track === 'stable')?.requests ?? 0;
  const canaryRequests = totals.find((t) => t.track === 'canary')?.requests ?? 0;
  const service = escapeMarkdown(rollout.service || 'unnamed service');
  const out: string[] = [];

  out.push(
    `# Post-deployment review: ${service} ${escapeMarkdown(rollout.stableVersion ?? 'unknown')} → ${escapeMarkdown(rollout.canaryVersion || 'unversioned')}`,
    '',
    '| | |',
    '| --- | --- |',
    `| Service | ${service} |`,
    `| Stable version | ${escapeMarkdown(rollout.stableVersion ?? 'unknown')} |`,
    `| Canary version | ${escapeMarkdown(rollout.canaryVersion || 'unversioned')} |`,
    `| Window | ${formatUkWithZone(rollout.fromMs)} to ${formatUkWithZone(rollout.toMs)} (${formatDuration(rollout.toMs - rollout.fromMs)}) |`,
    `| Rollout | ${codeSpan(rollout.id)} |`,
    '',
    'All times are in Europe/London, written DD/MM/YYYY HH:mm:ss (24 h) with GMT or BST.',
    '',
    '## Summary',
    '',
    summary(analysis),
    '',
    '## Verdict',
    '',
    `**${DECISION_WORDS[analysis.verdict.decision]}.** ${escapeMarkdown(analysis.verdict.summary)}`,
    '',
    ...analysis.verdict.reasons.map((r) => `- ${codeSpan(r.rule)} (${r.outcome}): ${escapeMarkdown(r.text)}`),
    '',
    '## Canary vs stable',
    '',
    '| Metric | Stable | Canary | Variance | p-value | Action |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
  );
  for (const row of comparison) {
    out.push(
      `| ${escapeMarkdown(row.label)} | ${formatComparisonCell(row, 'stable')} | ${formatComparisonCell(row, 'canary')} | ${formatVariance(row)} | ${formatPValue(row.pValue)} | ${row.action} |`,
    );
  }
  out.push(
    '',
    'Requests are events that carry an HTTP status; each rate is over requests; latency is over',
    'requests that carry a duration, and p95 is the nearest-rank 95th percentile. Variance is',
    '(canary − stable) / stable.',
    '',
    '## Evidence',
    '',
    '### Sources',
    '',
    '| # | File | SHA-256 | Size | Format | Zone | Lines | Events | Rejected | Imported | State |',
    '| ---: | --- | --- | ---: | --- | --- | ---: | ---: | ---: | --- | --- |',
  );
  for (const s of sources) {
    out.push(
      `| ${s.id} | ${escapeMarkdown(s.name)} | ${codeSpan(s.sha256)} | ${formatBytes(s.size)} | ${s.format} | ${escapeMarkdown(s.zone)} | ` +
        `${formatCount(s.lines)} | ${formatCount(s.events)} | ${formatCount(s.rejects)} | ${formatUkWithZone(s.importedAt)} | ${s.state} |`,
    );
  }
  if (analysis.excludedSources.length > 0) {
    out.push(
      '',
      'Left out of every figure, because their import did not finish (import them again to count them):',
      '',
      ...analysis.excludedSources.map((x) => `- source ${x.id}, ${escapeMarkdown(x.name)}: ${x.state}`),
    );
  }
  const serviceSql = rollout.service === '' ? 'service IS NULL' : `service = ${sqlText(rollout.service)}`;
  const versionSql = rollout.canaryVersion === '' ? 'version IS NULL' : `version = ${sqlText(rollout.canaryVersion)}`;
  const sql = [
    `SELECT count(status), sum(status >= 500), sum(status = 401), avg(duration_ms)`,
    `FROM events WHERE ${serviceSql} AND track = 'canary' AND ${versionSql}`,
    `  AND ts BETWEEN ${rollout.fromMs} AND ${rollout.toMs}`,
    `  AND ${COMPLETE_SOURCES};`,
  ];
  const fence = codeFence(sql.join('\n'));
  out.push(
    '',
    '### Reproducing the figures',
    '',
    'Each figure is an aggregate over the case file (SQLite) in the window; for example, the canary:',
    '',
    `${fence}sql`,
    ...sql,
    fence,
    '',
    `Stable: the same with \`track = 'stable'\` and no version condition. Requests counted: stable ${formatCount(stableRequests)}, canary ${formatCount(canaryRequests)}.`,
    '',
  );
  return out.join('\n');
}

/** The Markdown review of the rollout named by `rolloutId`, from the case as it stands. */
export function markdownReviewOf(db: CaseDb, rolloutId?: string): string {
  return renderMarkdownReview({ analysis: analyseRollout(db, rolloutId), sources: listSources(db) });
}
