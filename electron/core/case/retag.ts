// The case's tagging rules, and re-tagging: the track of every stored event (and metric
// sample) recomputed from the stored evidence columns, without reading the files again.
import type { Track } from '../../../shared/logEvent.js';
import { tag } from '../ingest/normalise.js';
import {
  DEFAULT_TAGGING_RULES,
  TAGGING_RULES_KEY,
  type TagEvidence,
  type TaggingRules,
  taggingRulesSchema,
} from '../ingest/tagging.js';
import type { RetagResult, TaggingState, TrackMove, TrackRuleCount } from '../../../shared/taggingRules.js';

export type { RetagResult } from '../../../shared/taggingRules.js';
import type { CaseDb } from './caseStore.js';
import { deleteSetting, getSetting, putSetting } from './settings.js';

/** The rules saved in the case, or the defaults when it saved none. */
export function caseTaggingRules(db: CaseDb): TaggingRules {
  return getSetting(db, TAGGING_RULES_KEY, taggingRulesSchema, DEFAULT_TAGGING_RULES);
}

/** True when the case has rules of its own (false: the defaults apply). */
export function caseHasOwnTaggingRules(db: CaseDb): boolean {
  return db.prepare(`SELECT 1 FROM settings WHERE key = ?`).get(TAGGING_RULES_KEY) !== undefined;
}

export function saveTaggingRules(db: CaseDb, rules: TaggingRules): void {
  putSetting(db, TAGGING_RULES_KEY, taggingRulesSchema, rules);
}

export function resetTaggingRules(db: CaseDb): void {
  deleteSetting(db, TAGGING_RULES_KEY);
}

export function trackRuleCounts(db: CaseDb): TrackRuleCount[] {
  return db
    .prepare(
      `SELECT track, track_rule AS rule, count(*) AS events FROM events GROUP BY track, track_rule
       ORDER BY track, track_rule`,
    )
    .all() as TrackRuleCount[];
}

/** The case's rules, the defaults, and how the stored events are tagged now. */
export function taggingState(db: CaseDb): TaggingState {
  return {
    rules: caseTaggingRules(db),
    defaults: DEFAULT_TAGGING_RULES,
    own: caseHasOwnTaggingRules(db),
    tracks: trackRuleCounts(db),
  };
}

interface EventEvidenceRow extends TagEvidence {
  id: number;
  track: Track;
  trackRule: string | null;
  sourceTrack: 'canary' | 'stable' | null;
}

const PAGE = 5000;

/**
 * Recomputes `track` and `track_rule` of every event with `rules` (the case's by default). A
 * source imported with `--track` (kept on `sources.track`) stays wholly on that track. One
 * transaction (the analysis never sees a half re-tagged case), read in pages by id (a case of
 * millions of events is never held in memory). Callers run it through the guard of every
 * write (caseWrites.ts `guardedWrite`, for the page and the CLI), inside the guard's IMMEDIATE
 * transaction: the pages are not separate transactions, so SQLite's write lock is held from
 * the check to the last page, and no import can create its source, and tag by the old rules,
 * part way through.
 */
export function retagCase(db: CaseDb, rules: TaggingRules = caseTaggingRules(db)): RetagResult {
  return db.transaction(() => retagPages(db, rules))();
}

/** Counts of one table's rows re-tagged: all, and those whose track or rule changed. */
interface TableRetag {
  rows: number;
  changed: number;
}

/**
 * Re-tags every row of `table` (events or metric samples: both keep the same tagging evidence),
 * page by page; `onTrack` sees each row's new track.
 */
function retagTable(
  db: CaseDb,
  table: 'events' | 'metrics',
  rules: TaggingRules,
  onTrack: (track: Track, before: Track) => void = () => undefined,
): TableRetag {
  const page = db.prepare(
    `SELECT t.id, t.track, t.track_rule AS trackRule, t.track_label AS trackLabel, t.host, t.pod, t.service,
            t.version, s.track AS sourceTrack
     FROM ${table} t JOIN sources s ON s.id = t.source_id
     WHERE t.id > ? ORDER BY t.id LIMIT ?`,
  );
  const update = db.prepare(`UPDATE ${table} SET track = ?, track_rule = ? WHERE id = ?`);
  const counts: TableRetag = { rows: 0, changed: 0 };
  let after = 0;
  for (;;) {
    const rows = page.all(after, PAGE) as EventEvidenceRow[];
    if (rows.length === 0) break;
    for (const row of rows) {
      const decided = tag(row, { track: row.sourceTrack, rules });
      counts.rows += 1;
      onTrack(decided.track, row.track);
      if (decided.track !== row.track || decided.trackRule !== row.trackRule) {
        update.run(decided.track, decided.trackRule, row.id);
        counts.changed += 1;
      }
    }
    after = rows[rows.length - 1]?.id ?? after;
  }
  return counts;
}

function retagPages(db: CaseDb, rules: TaggingRules): RetagResult {
  const byTrack: Record<Track, number> = { canary: 0, stable: 0, unknown: 0 };
  const moves = new Map<string, TrackMove>();
  const events = retagTable(db, 'events', rules, (track, before) => {
    byTrack[track] += 1;
    if (track === before) return;
    const key = `${before}>${track}`;
    const move = moves.get(key) ?? { from: before, to: track, events: 0 };
    move.events += 1;
    moves.set(key, move);
  });
  const metrics = retagTable(db, 'metrics', rules);
  return {
    events: events.rows,
    changed: events.changed,
    byTrack,
    moved: [...moves.values()].sort((a, b) => b.events - a.events),
    metrics: metrics.rows,
    metricsChanged: metrics.changed,
  };
}
