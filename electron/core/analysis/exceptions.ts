// Exceptions grouped by fingerprint (electron/core/ingest/fingerprint.ts: type + normalised
// message + top in-app frames without line numbers). New = on the canary, absent from stable
// in the window, and never seen for this service in this environment before the window (an
// earlier rollout, or stable before it). A group both tracks throw spikes when the canary's rate per request is
// significantly higher than stable's (Benjamini–Hochberg across the shared groups) by at
// least `exceptionSpikeRatio`; at similar rates it is shared, not new.
import type { ExceptionGroup, Rollout } from '../../../shared/api.js';
import type { AnalysisSettings } from '../../../shared/analysisSettings.js';
import { formatUk } from '../../../shared/ukTime.js';
import type { CaseDb } from '../case/caseStore.js';
import { fingerprintOf, normaliseMessage, topFrames } from '../ingest/fingerprint.js';
import { COMPLETE_SOURCES, type Cohort, cohortFilter } from './cohorts.js';
import { benjaminiHochberg, compareProportions } from './stats.js';

interface ExceptionRow {
  id: number;
  ts: number;
  error_type: string | null;
  error_message: string | null;
  error_stack: string | null;
  message: string | null;
  fingerprint: string | null;
}

interface ExampleText {
  error_message: string | null;
  message: string | null;
  error_stack: string | null;
}

interface Group {
  fingerprint: string;
  type: string | null;
  example: ExceptionRow;
  counts: Record<Cohort, number>;
  first: number;
  last: number;
}

/**
 * How many groups an analysis lists (new ones first, then the most frequent on the canary):
 * a case with thousands of distinct exceptions would otherwise bury the ones that matter.
 */
export const MAX_GROUPS = 200;

// Stacks can be half a megabyte each: the texts are read only for rows without a stored
// fingerprint (events imported before fingerprints existed), and rows are streamed, not held.
function readRows(db: CaseDb, rollout: Rollout, track: Cohort): IterableIterator<ExceptionRow> {
  const cohort = cohortFilter(rollout, track);
  return db
    .prepare(
      `SELECT id, ts, error_type, fingerprint,
              CASE WHEN fingerprint IS NULL THEN error_message END AS error_message,
              CASE WHEN fingerprint IS NULL THEN error_stack END AS error_stack,
              NULL AS message
       FROM events
       WHERE ${cohort.where} AND (error_type IS NOT NULL OR error_stack IS NOT NULL)`,
    )
    .iterate(cohort.params) as IterableIterator<ExceptionRow>;
}

/** One raw example is evidence enough; a megabyte-long message would drown every surface. */
const EXAMPLE_CHARS = 2000;

function clip(text: string | null): string | null {
  return text === null || text.length <= EXAMPLE_CHARS ? text : `${text.slice(0, EXAMPLE_CHARS)}…`;
}

const per1000 = (count: number, requests: number): number | null => (requests === 0 ? null : (count / requests) * 1000);

export function exceptionGroups(
  db: CaseDb,
  rollout: Rollout,
  requests: Record<Cohort, number>,
  settings: AnalysisSettings,
): ExceptionGroup[] {
  const groups = new Map<string, Group>();
  for (const track of ['canary', 'stable'] as const) {
    for (const row of readRows(db, rollout, track)) {
      // Events stored before fingerprints existed get theirs here, by the same function.
      const fingerprint = row.fingerprint ?? fingerprintOf(row.error_type, row.error_message, row.error_stack);
      if (fingerprint === null) continue;
      let group = groups.get(fingerprint);
      if (!group) {
        group = {
          fingerprint,
          type: row.error_type,
          example: row,
          counts: { canary: 0, stable: 0 },
          first: row.ts,
          last: row.ts,
        };
        groups.set(fingerprint, group);
      }
      group.counts[track] += 1;
      if (row.ts < group.first) {
        group.first = row.ts;
        group.example = row;
      }
      group.last = Math.max(group.last, row.ts);
    }
  }

  const seenBefore = db.prepare(
    `SELECT 1 FROM events
     WHERE service IS @service AND environment IS @environment AND fingerprint = @fingerprint AND ts < @from
       AND ${COMPLETE_SOURCES} LIMIT 1`,
  );
  const service = rollout.service === '' ? null : rollout.service;
  const shared = [...groups.values()].filter((g) => g.counts.canary > 0 && g.counts.stable > 0);
  const spikeTests = shared.map((g) =>
    compareProportions(
      g.counts.canary,
      Math.max(requests.canary, g.counts.canary),
      g.counts.stable,
      Math.max(requests.stable, g.counts.stable),
      'greater',
    ),
  );
  const spikeAdjusted = benjaminiHochberg(spikeTests.map((t) => t.pValue));
  const adjusted = new Map(shared.map((g, i) => [g.fingerprint, spikeAdjusted[i] ?? 1]));

  const rank: Record<ExceptionGroup['status'], number> = { new: 0, spike: 1, shared: 2, 'stable-only': 3 };
  // One example per group, read by its id once the groups are known.
  const exampleText = db.prepare(`SELECT error_message, message, error_stack FROM events WHERE id = @id`);
  return [...groups.values()]
    .map((g): ExceptionGroup => {
      const canaryPer1000 = per1000(g.counts.canary, requests.canary);
      const stablePer1000 = per1000(g.counts.stable, requests.stable);
      const before =
        g.counts.canary > 0 && g.counts.stable === 0
          ? seenBefore.get({
              service,
              environment: rollout.environment,
              fingerprint: g.fingerprint,
              from: rollout.fromMs,
            }) !== undefined
          : false;
      const pValue = adjusted.get(g.fingerprint) ?? null;
      let status: ExceptionGroup['status'];
      if (g.counts.canary === 0) status = 'stable-only';
      else if (g.counts.stable === 0) status = before ? 'shared' : 'new';
      else {
        const ratioHigh =
          canaryPer1000 !== null &&
          stablePer1000 !== null &&
          stablePer1000 > 0 &&
          canaryPer1000 / stablePer1000 >= settings.exceptionSpikeRatio;
        status = ratioHigh && pValue !== null && pValue < settings.alpha ? 'spike' : 'shared';
      }
      const example = (exampleText.get({ id: g.example.id }) as ExampleText | undefined) ?? {
        error_message: null,
        message: null,
        error_stack: null,
      };
      const rawMessage = example.error_message ?? example.message ?? '';
      return {
        fingerprint: g.fingerprint,
        type: g.type,
        message: normaliseMessage(rawMessage),
        example: clip(example.error_message ?? example.message),
        topFrames: topFrames(example.error_stack),
        canaryCount: g.counts.canary,
        stableCount: g.counts.stable,
        canaryPer1000,
        stablePer1000,
        firstSeen: new Date(g.first).toISOString(),
        firstSeenUk: formatUk(g.first),
        lastSeen: new Date(g.last).toISOString(),
        lastSeenUk: formatUk(g.last),
        status,
        seenBefore: before,
        pValue,
      };
    })
    .sort(
      (a, b) =>
        rank[a.status] - rank[b.status] ||
        b.canaryCount - a.canaryCount ||
        b.stableCount - a.stableCount ||
        a.firstSeen.localeCompare(b.firstSeen),
    )
    .slice(0, MAX_GROUPS);
}
