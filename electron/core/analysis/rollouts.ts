// Rollouts found in a case: for each service, each version seen on the canary track is one
// rollout, whose window is the span of that version's canary events. The stable version is
// the one most stable events of the service carry inside that window. The user can define a
// rollout (or adjust a found one: same service and canary version) with its own window and
// stable version; definitions are saved with the case (rollout_definitions).
import type { Rollout } from '../../../shared/api.js';
import { CoalmineError } from '../../../shared/errors.js';
import { formatUk } from '../../../shared/ukTime.js';
import type { CaseDb } from '../case/caseStore.js';
import { deleteRolloutDefinition, listRolloutDefinitions, saveRolloutDefinition } from '../case/rolloutDefinitions.js';
import { COMPLETE_SOURCES } from './cohorts.js';

interface CanaryGroupRow {
  service: string;
  version: string;
  first: number;
  last: number;
  events: number;
}

/**
 * `<service>@<canaryVersion>`. Characters outside the id alphabet (and `%`, `@`) are
 * percent-encoded as UTF-8, so two different rollouts never share an id. A missing service
 * or version is an empty part.
 */
export function rolloutIdOf(service: string, canaryVersion: string): string {
  const encode = (part: string): string =>
    Array.from(part)
      .map((ch) =>
        /[\w.:+-]/.test(ch)
          ? ch
          : Array.from(new TextEncoder().encode(ch), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(
              '',
            ),
      )
      .join('');
  return `${encode(service)}@${encode(canaryVersion)}`;
}

interface Window {
  service: string;
  canaryVersion: string;
  stableVersion: string | null;
  from: number;
  to: number;
  origin: Rollout['origin'];
}

function canaryGroups(db: CaseDb): CanaryGroupRow[] {
  return db
    .prepare(
      `SELECT coalesce(service, '') AS service, coalesce(version, '') AS version,
              min(ts) AS first, max(ts) AS last, count(*) AS events
       FROM events WHERE track = 'canary' AND ${COMPLETE_SOURCES}
       GROUP BY events.service, events.version`,
    )
    .all() as CanaryGroupRow[];
}

function describe(db: CaseDb, w: Window): Rollout {
  const params = { service: w.service === '' ? null : w.service, from: w.from, to: w.to };
  // One pass over stable's rows in the window (the cohort index covers it): its most common
  // version and its count.
  const versions = db
    .prepare(
      `SELECT version, count(*) AS n FROM events
       WHERE service IS @service AND track = 'stable' AND ts BETWEEN @from AND @to AND ${COMPLETE_SOURCES}
       GROUP BY version ORDER BY n DESC, version`,
    )
    .all(params) as { version: string | null; n: number }[];
  const stableEvents =
    w.origin === 'defined' && w.stableVersion !== null
      ? (versions.find((v) => v.version === w.stableVersion)?.n ?? 0)
      : versions.reduce((sum, v) => sum + v.n, 0);
  const canaryEvents = (
    db
      .prepare(
        `SELECT count(*) AS n FROM events
         WHERE service IS @service AND track = 'canary' AND version IS @version AND ts BETWEEN @from AND @to
           AND ${COMPLETE_SOURCES}`,
      )
      .get({ ...params, version: w.canaryVersion === '' ? null : w.canaryVersion }) as { n: number }
  ).n;
  return {
    id: rolloutIdOf(w.service, w.canaryVersion),
    service: w.service,
    stableVersion: w.stableVersion ?? versions[0]?.version ?? null,
    canaryVersion: w.canaryVersion,
    from: new Date(w.from).toISOString(),
    to: new Date(w.to).toISOString(),
    fromUk: formatUk(w.from),
    toUk: formatUk(w.to),
    fromMs: w.from,
    toMs: w.to,
    origin: w.origin,
    canaryEvents,
    stableEvents,
  };
}

export function listRollouts(db: CaseDb): Rollout[] {
  const windows = new Map<string, Window>();
  for (const g of canaryGroups(db)) {
    windows.set(rolloutIdOf(g.service, g.version), {
      service: g.service,
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
      canaryVersion: d.canary_version,
      stableVersion: d.stable_version,
      from: d.from_ts,
      to: d.to_ts,
      origin: 'defined',
    });
  }
  return [...windows.values()]
    .sort((a, b) => a.from - b.from || a.service.localeCompare(b.service) || a.canaryVersion.localeCompare(b.canaryVersion))
    .map((w) => describe(db, w));
}

export interface RolloutDefinition {
  service: string;
  canaryVersion: string;
  stableVersion?: string | undefined;
  /** UTC epoch ms; left out, the first (or last) canary event of that service and version. */
  from?: number | undefined;
  to?: number | undefined;
}

/** Defines a rollout, or adjusts the one with the same service and canary version. */
export function defineRollout(db: CaseDb, definition: RolloutDefinition, now = Date.now()): Rollout {
  const id = rolloutIdOf(definition.service, definition.canaryVersion);
  let { from, to } = definition;
  if (from === undefined || to === undefined) {
    const found = canaryGroups(db).find((g) => g.service === definition.service && g.version === definition.canaryVersion);
    if (!found) {
      throw new CoalmineError(
        'BAD_INPUT',
        `no canary event of ${definition.service} ${definition.canaryVersion} in this case: give the window with --from and --to`,
      );
    }
    from ??= found.first;
    to ??= found.last;
  }
  if (from > to) throw new CoalmineError('BAD_INPUT', 'the window ends before it starts: --from must be before --to');
  saveRolloutDefinition(db, {
    id,
    service: definition.service,
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
    throw new CoalmineError('NOT_FOUND', `no rollout "${id}" was defined in this case (found rollouts cannot be removed)`);
  }
  return listRollouts(db);
}

export function findRollout(db: CaseDb, rolloutId?: string): Rollout {
  const rollouts = listRollouts(db);
  if (rollouts.length === 0) {
    throw new CoalmineError(
      'NOT_FOUND',
      'this case holds no rollout: no event of a complete source is on the canary track (tag an import with --track canary, or set labels.track; an unfinished import is not counted until it is imported again)',
    );
  }
  if (rolloutId === undefined) {
    const [first] = rollouts;
    if (rollouts.length > 1 || !first) {
      throw new CoalmineError(
        'BAD_INPUT',
        `this case holds ${rollouts.length} rollouts; name one with --rollout: ${rollouts.map((r) => r.id).join(', ')}`,
      );
    }
    return first;
  }
  const found = rollouts.find((r) => r.id === rolloutId);
  if (!found) {
    throw new CoalmineError(
      'NOT_FOUND',
      `no rollout "${rolloutId}" in this case; it holds: ${rollouts.map((r) => r.id).join(', ')}`,
    );
  }
  return found;
}
