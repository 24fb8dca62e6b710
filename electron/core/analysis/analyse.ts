// One rollout judged: the figures of both cohorts, the comparison table, authentication
// failures, 401/403 surges, exceptions, and the verdict with its reasons. The result is the
// JSON contract of `coalmine analyse --json` (docs/schema/analysis.schema.json) and of the
// API's `rollout.analyse`.
import type { Analysis, Rollout, VolumeUnit } from '../../../shared/api.js';
import type { AnalysisSettings } from '../../../shared/analysisSettings.js';
import type { CaseDb } from '../case/caseStore.js';
import { readAnalysisSettings } from '../case/analysisSettings.js';
import { listUnfinishedSources } from '../case/sources.js';
import { authFailureReport } from './authFailures.js';
import { bucketEnd, bucketGrid } from './buckets.js';
import { businessRows } from './business.js';
import { comparisonTable } from './compare.js';
import { cohortsElsewhere } from './emptyCohort.js';
import { exceptionGroups } from './exceptions.js';
import { type Bucket, readTrackFigures } from './figures.js';
import { resourceRows } from './resources.js';
import { findRolloutWindow, rolloutOf } from './rollouts.js';
import { findSurges } from './surges.js';
import { judge } from './verdict.js';

/** An analysis with the canary's per-bucket figures it was judged from (the review's timeline reads them). */
export interface JudgedRollout {
  analysis: Analysis;
  canaryBuckets: Map<number, Bucket>;
}

export function judgeRollout(
  db: CaseDb,
  given: Rollout,
  settings: AnalysisSettings = readAnalysisSettings(db),
): Analysis {
  return judgeRolloutWithBuckets(db, given, settings).analysis;
}

function judgeRolloutWithBuckets(db: CaseDb, given: Rollout, settings: AnalysisSettings): JudgedRollout {
  const grid = bucketGrid(settings.bucketMinutes);
  const stable = readTrackFigures(db, given, 'stable', grid);
  const canary = readTrackFigures(db, given, 'canary', grid);
  // The counts the rollout names are those of the cohorts judged, read in the same pass.
  const rollout: Rollout = {
    ...given,
    stableVersion: given.origin === 'defined' && given.stableVersion !== null ? given.stableVersion : stable.version,
    canaryEvents: canary.events,
    stableEvents: stable.events,
  };
  // Logs without HTTP on either track (sshd, a worker's application log) are judged per event
  // logged: counted per request, every rate would be empty and every verdict inconclusive.
  const volumeUnit: VolumeUnit = stable.requests === 0 && canary.requests === 0 ? 'events' : 'requests';
  const volume =
    volumeUnit === 'events'
      ? { stable: stable.events, canary: canary.events }
      : { stable: stable.requests, canary: canary.requests };

  const exceptions = exceptionGroups(db, rollout, volume, settings);
  const surges = findSurges(db, rollout, canary.buckets, stable.buckets, settings);
  const rows = [
    ...comparisonTable(stable, canary, volumeUnit),
    ...resourceRows(db, rollout),
    ...businessRows(db, rollout, settings.businessMeasures),
  ];
  // A loop, not Math.min(...keys): a long window holds more buckets than a call takes arguments.
  const span = (buckets: Map<number, Bucket>): [number, number] | null => {
    let first: Bucket | null = null;
    let last: Bucket | null = null;
    for (const bucket of buckets.values()) {
      if (first === null || bucket.start < first.start) first = bucket;
      if (last === null || bucket.start > last.start) last = bucket;
    }
    return first === null || last === null
      ? null
      : [Math.max(rollout.fromMs, first.start), Math.min(rollout.toMs, bucketEnd(grid, last) - 1)];
  };
  const coverage = {
    from: rollout.fromMs,
    to: rollout.toMs,
    stable: span(stable.buckets),
    canary: span(canary.buckets),
  };
  const elsewhere = cohortsElsewhere(db, rollout, { stable: volume.stable === 0, canary: volume.canary === 0 });
  const judged = judge({ rows, requests: volume, unit: volumeUnit, coverage, surges, exceptions, settings, elsewhere });
  const analysis: Analysis = {
    schemaVersion: 1,
    rollout,
    settings,
    totals: [stable, canary].map((t) => ({
      track: t.track,
      events: t.events,
      requests: t.requests,
      latencySamples: t.latencySamples,
    })),
    verdict: judged.verdict,
    volumeUnit,
    comparison: judged.rows,
    authFailures: authFailureReport(db, rollout, volume, settings),
    surges,
    newExceptions: exceptions.filter((e) => e.status === 'new'),
    exceptions,
    excludedSources: listUnfinishedSources(db),
  };
  return { analysis, canaryBuckets: canary.buckets };
}

/** The analysis of the rollout named by `rolloutId` (the only one, when none is named). */
export function analyseRollout(db: CaseDb, rolloutId?: string): Analysis {
  return analyseRolloutWithBuckets(db, rolloutId).analysis;
}

/** `analyseRollout`, with the canary's per-bucket figures it was judged from. */
export function analyseRolloutWithBuckets(db: CaseDb, rolloutId?: string): JudgedRollout {
  const window = findRolloutWindow(db, rolloutId);
  return judgeRolloutWithBuckets(
    db,
    rolloutOf(window, { canaryEvents: 0, stableEvents: 0, stableVersion: null }),
    readAnalysisSettings(db),
  );
}
