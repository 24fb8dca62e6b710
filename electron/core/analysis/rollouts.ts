// Rollouts found in a case: for each service and deployment environment, each version seen on
// the canary track is one rollout, whose window is the span of that version's canary events
// there. The stable version is the one most stable events of the service in that environment
// carry inside that window. Environments are apart because a canary version usually runs in
// staging before production: judged together, staging's events would join production's
// cohorts. The user can define a rollout (or adjust a found one: same service, environment and
// canary version) with its own window and stable version; definitions are saved with the case
// (rollout_definitions).
import type { Rollout } from '../../../shared/api.js';
import { showControlCharacters } from '../../../shared/controlCharacters.js';
import { CoalmineError } from '../../../shared/errors.js';
import { formatUk } from '../../../shared/ukTime.js';
import type { CaseDb } from '../case/caseStore.js';
import { deleteRolloutDefinition, listRolloutDefinitions, saveRolloutDefinition } from '../case/rolloutDefinitions.js';
import { COMPLETE_SOURCES, cohortFilter } from './cohorts.js';

interface CanaryGroupRow {
  service: string;
  environment: string | null;
  version: string;
  first: number;
  last: number;
  events: number;
}

function encodeIdPart(part: string): string {
  return Array.from(part)
    .map((ch) =>
      /[\w.:+-]/.test(ch)
        ? ch
        : Array.from(new TextEncoder().encode(ch), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
    )
    .join('');
}

/**
 * `<service>@<canaryVersion>`, and `<service>@<canaryVersion>@<environment>` in a named
 * environment. Characters outside the id alphabet (and `%`, `@`) are percent-encoded as UTF-8,
 * so no part holds an `@`: two different rollouts never share an id, and an id with an
 * environment (two `@`) is never one without (one `@`), so the ids of cases stored before
 * environments (cited in saved reviews and notes) stay as they were. A missing service or
 * version is an empty part.
 */
export function rolloutIdOf(service: string, canaryVersion: string, environment: string | null = null): string {
  const bare = `${encodeIdPart(service)}@${encodeIdPart(canaryVersion)}`;
  return environment === null ? bare : `${bare}@${encodeIdPart(environment)}`;
}

/** The parts of an id rolloutIdOf wrote, or null when it wrote no such id. */
export function rolloutIdParts(
  id: string,
): { service: string; canaryVersion: string; environment: string | null } | null {
  const parts = id.split('@');
  if (parts.length !== 2 && parts.length !== 3) return null;
  const decoded: string[] = [];
  for (const part of parts) {
    if (!/^(?:[\w.:+-]|%[0-9A-F]{2})*$/.test(part)) return null;
    try {
      decoded.push(decodeURIComponent(part));
    } catch {
      return null; // percent-encoded bytes that are not UTF-8
    }
  }
  const [service = '', canaryVersion = '', environment = null] = decoded;
  // Only the one spelling rolloutIdOf writes (`%41` is not `A`).
  return rolloutIdOf(service, canaryVersion, environment) === id ? { service, canaryVersion, environment } : null;
}

export interface RolloutWindow {
  service: string;
  environment: string | null;
  canaryVersion: string;
  stableVersion: string | null;
  from: number;
  to: number;
  origin: Rollout['origin'];
}

function canaryGroups(db: CaseDb): CanaryGroupRow[] {
  return db
    .prepare(
      `SELECT coalesce(service, '') AS service, environment, coalesce(version, '') AS version,
              min(ts) AS first, max(ts) AS last, count(*) AS events
       FROM events WHERE track = 'canary' AND ${COMPLETE_SOURCES}
       GROUP BY events.service, events.environment, events.version`,
    )
    .all() as CanaryGroupRow[];
}

/**
 * The span of the events of a service and version that no rule put on a track: the canary's
 * window in logs that tell the tracks apart by version only (read once, when the user
 * defines the rollout).
 */
function untrackedSpan(
  db: CaseDb,
  service: string,
  environment: string | null,
  version: string,
): CanaryGroupRow | undefined {
  const row = db
    .prepare(
      `SELECT min(ts) AS first, max(ts) AS last, count(*) AS events FROM events
       WHERE service IS @service AND environment IS @environment AND track = 'unknown' AND version IS @version
         AND ${COMPLETE_SOURCES}`,
    )
    .get({ service: service === '' ? null : service, environment, version: version === '' ? null : version }) as
    { first: number | null; last: number | null; events: number } | undefined;
  if (!row || row.events === 0 || row.first === null || row.last === null) return undefined;
  return { service, environment, version, first: row.first, last: row.last, events: row.events };
}

/** A window as a rollout, with its event counts and stable version given. */
export function rolloutOf(
  w: RolloutWindow,
  counts: { canaryEvents: number; stableEvents: number; stableVersion: string | null },
): Rollout {
  return {
    id: rolloutIdOf(w.service, w.canaryVersion, w.environment),
    service: w.service,
    environment: w.environment,
    stableVersion: w.stableVersion ?? counts.stableVersion,
    canaryVersion: w.canaryVersion,
    from: new Date(w.from).toISOString(),
    to: new Date(w.to).toISOString(),
    fromUk: formatUk(w.from),
    toUk: formatUk(w.to),
    fromMs: w.from,
    toMs: w.to,
    origin: w.origin,
    canaryEvents: counts.canaryEvents,
    stableEvents: counts.stableEvents,
  };
}

function describe(db: CaseDb, w: RolloutWindow): Rollout {
  const bare = rolloutOf(w, { canaryEvents: 0, stableEvents: 0, stableVersion: null });
  const count = (track: 'stable' | 'canary') => {
    const cohort = cohortFilter(bare, track);
    return db
      .prepare(`SELECT count(*) AS n, min(version) AS low, max(version) AS high FROM events WHERE ${cohort.where}`)
      .get(cohort.params) as { n: number; low: string | null; high: string | null };
  };
  const stable = count('stable');
  let stableVersion = stable.low;
  if (stable.low !== stable.high) {
    // Several stable versions in the window: the one most events carry.
    const cohort = cohortFilter(bare, 'stable');
    stableVersion = db
      .prepare(
        `SELECT version FROM events WHERE ${cohort.where} GROUP BY version ORDER BY count(*) DESC, version LIMIT 1`,
      )
      .pluck()
      .get(cohort.params) as string | null;
  }
  return rolloutOf(w, { canaryEvents: count('canary').n, stableEvents: stable.n, stableVersion });
}

/** The rollouts' windows (found, then defined ones replacing found ones with the same id), without counting. */
export function rolloutWindows(db: CaseDb): RolloutWindow[] {
  const windows = new Map<string, RolloutWindow>();
  for (const g of canaryGroups(db)) {
    windows.set(rolloutIdOf(g.service, g.version, g.environment), {
      service: g.service,
      environment: g.environment,
      canaryVersion: g.version,
      stableVersion: null,
      from: g.first,
      to: g.last,
      origin: 'found',
    });
  }
  for (const d of listRolloutDefinitions(db)) {
    windows.set(d.id, {
      service: d.service,
      environment: d.environment,
      canaryVersion: d.canary_version,
      stableVersion: d.stable_version,
      from: d.from_ts,
      to: d.to_ts,
      origin: 'defined',
    });
  }
  return [...windows.values()].sort(
    (a, b) =>
      a.from - b.from ||
      a.service.localeCompare(b.service) ||
      a.canaryVersion.localeCompare(b.canaryVersion) ||
      (a.environment ?? '').localeCompare(b.environment ?? ''),
  );
}

export function listRollouts(db: CaseDb): Rollout[] {
  return rolloutWindows(db).map((w) => describe(db, w));
}

export interface RolloutDefinition {
  service: string;
  /** The deployment environment; left out (or blank), the events that name none. */
  environment?: string | undefined;
  canaryVersion: string;
  stableVersion?: string | undefined;
  /** UTC epoch ms; left out, the first (or last) canary event of that service and version. */
  from?: number | undefined;
  to?: number | undefined;
}

/** Defines a rollout, or adjusts the one with the same service, environment and canary version. */
export function defineRollout(db: CaseDb, definition: RolloutDefinition, now = Date.now()): Rollout {
  // Events with no track are taken by their version (cohorts.ts): one version on both sides
  // would put the same events in both cohorts and compare them with themselves.
  if (definition.stableVersion !== undefined && definition.stableVersion === definition.canaryVersion) {
    throw new CoalmineError(
      'BAD_INPUT',
      `the stable version and the canary version are both ${definition.canaryVersion}: a rollout compares two versions (leave --stable out to compare with every stable event)`,
    );
  }
  if (definition.environment !== undefined && definition.environment.trim() === '') {
    throw new CoalmineError(
      'BAD_INPUT',
      'the environment is blank: name one (staging, production, …), or leave it out for the events that name none',
    );
  }
  const environment = definition.environment?.trim() ?? null;
  const id = rolloutIdOf(definition.service, definition.canaryVersion, environment);
  const groups = canaryGroups(db);
  const found =
    groups.find(
      (g) =>
        g.service === definition.service && g.environment === environment && g.version === definition.canaryVersion,
    ) ?? untrackedSpan(db, definition.service, environment, definition.canaryVersion);
  // The canary version runs only in other environments: a window given by hand would define a
  // rollout of no event at all, so it is refused as a found window is.
  const elsewhere = found
    ? []
    : groups
        .filter((g) => g.service === definition.service && g.version === definition.canaryVersion)
        .map((g) => (g.environment === null ? 'no environment' : showControlCharacters(g.environment)))
        .sort();
  const windowGiven = definition.from !== undefined && definition.to !== undefined;
  if (!found && (elsewhere.length > 0 || !windowGiven)) {
    const where =
      environment === null ? 'naming no environment' : `in the environment ${showControlCharacters(environment)}`;
    throw new CoalmineError(
      'BAD_INPUT',
      `no canary event of ${definition.service} ${definition.canaryVersion} ${where} in this case (on the canary track, or on no track with that version): ` +
        (elsewhere.length > 0
          ? `it runs in ${elsewhere.join(', ')}; name that with --environment`
          : 'give the window with --from and --to'),
    );
  }
  const from = definition.from ?? (found as CanaryGroupRow).first;
  const to = definition.to ?? (found as CanaryGroupRow).last;
  if (from > to) throw new CoalmineError('BAD_INPUT', 'the window ends before it starts: --from must be before --to');
  saveRolloutDefinition(db, {
    id,
    service: definition.service,
    environment,
    stable_version: definition.stableVersion ?? null,
    canary_version: definition.canaryVersion,
    from_ts: from,
    to_ts: to,
    defined_at: now,
  });
  return findRollout(db, id);
}

/** Removes a definition (a found rollout it adjusted comes back as found). */
export function removeRolloutDefinition(db: CaseDb, id: string): Rollout[] {
  if (!deleteRolloutDefinition(db, id)) {
    throw new CoalmineError(
      'NOT_FOUND',
      `no rollout "${id}" was defined in this case (found rollouts cannot be removed)`,
    );
  }
  return listRollouts(db);
}

/** The window of the rollout named by `rolloutId` (the only one, when none is named). */
export function findRolloutWindow(db: CaseDb, rolloutId?: string): RolloutWindow {
  const windows = rolloutWindows(db);
  const ids = windows.map((w) => rolloutIdOf(w.service, w.canaryVersion, w.environment));
  if (windows.length === 0) {
    throw new CoalmineError(
      'NOT_FOUND',
      'this case holds no rollout: no event of a complete source is on the canary track (tag an import with --track canary, or set labels.track; an unfinished import is not counted until it is imported again)',
    );
  }
  if (rolloutId === undefined) {
    const [first] = windows;
    if (windows.length > 1 || !first) {
      throw new CoalmineError(
        'BAD_INPUT',
        `this case holds ${windows.length} rollouts; name one with --rollout: ${ids.join(', ')}`,
      );
    }
    return first;
  }
  const found = windows[ids.indexOf(rolloutId)];
  if (!found)
    throw new CoalmineError('NOT_FOUND', `no rollout "${rolloutId}" in this case; it holds: ${ids.join(', ')}`);
  return found;
}

export function findRollout(db: CaseDb, rolloutId?: string): Rollout {
  return describe(db, findRolloutWindow(db, rolloutId));
}
