// Rollouts found in a case: for each service, each version seen on the canary track is one
// rollout, whose window is the span of that version's canary events. The stable version is
// the one most stable events of the service carry inside that window.
import type { Rollout } from '../../../shared/api.js';
import { CoalmineError } from '../../../shared/errors.js';
import type { CaseDb } from '../case/caseStore.js';
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

export function listRollouts(db: CaseDb): Rollout[] {
  const groups = db
    .prepare(
      `SELECT coalesce(service, '') AS service, coalesce(version, '') AS version,
              min(ts) AS first, max(ts) AS last, count(*) AS events
       FROM events WHERE track = 'canary' AND ${COMPLETE_SOURCES}
       GROUP BY 1, 2 ORDER BY first, service, version`,
    )
    .all() as CanaryGroupRow[];

  const stableVersion = db.prepare(
    `SELECT version, count(*) AS n FROM events
     WHERE service IS @service AND track = 'stable' AND ts BETWEEN @from AND @to AND ${COMPLETE_SOURCES}
     GROUP BY version ORDER BY n DESC, version LIMIT 1`,
  );
  const stableCount = db.prepare(
    `SELECT count(*) AS n FROM events
     WHERE service IS @service AND track = 'stable' AND ts BETWEEN @from AND @to AND ${COMPLETE_SOURCES}`,
  );

  return groups.map((g) => {
    const params = { service: g.service === '' ? null : g.service, from: g.first, to: g.last };
    const stable = stableVersion.get(params) as { version: string | null } | undefined;
    return {
      id: rolloutIdOf(g.service, g.version),
      service: g.service,
      stableVersion: stable?.version ?? null,
      canaryVersion: g.version,
      from: g.first,
      to: g.last,
      canaryEvents: g.events,
      stableEvents: (stableCount.get(params) as { n: number }).n,
    };
  });
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
