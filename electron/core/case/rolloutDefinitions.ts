// Queries on `rollout_definitions`: rollouts the user defined or adjusted (service, environment,
// versions, window). One that shares its id with a found rollout replaces it.
import { CoalmineError } from '../../../shared/errors.js';
import type { CaseDb } from './caseStore.js';

export interface RolloutDefinitionRow {
  id: string;
  service: string;
  /** Null: the events that name no environment (every definition made before migration 0008). */
  environment: string | null;
  stable_version: string | null;
  canary_version: string;
  from_ts: number;
  to_ts: number;
  defined_at: number;
}

export function listRolloutDefinitions(db: CaseDb): RolloutDefinitionRow[] {
  return db.prepare(`SELECT * FROM rollout_definitions ORDER BY from_ts, id`).all() as RolloutDefinitionRow[];
}

export function saveRolloutDefinition(db: CaseDb, row: RolloutDefinitionRow): void {
  if (db.readonly) throw new CoalmineError('READ_ONLY', 'this case is open read-only: rollouts cannot be defined');
  db.prepare(
    `INSERT INTO rollout_definitions (id, service, environment, stable_version, canary_version, from_ts, to_ts,
       defined_at)
     VALUES (@id, @service, @environment, @stable_version, @canary_version, @from_ts, @to_ts, @defined_at)
     ON CONFLICT (id) DO UPDATE SET service = excluded.service, environment = excluded.environment,
       stable_version = excluded.stable_version,
       canary_version = excluded.canary_version, from_ts = excluded.from_ts, to_ts = excluded.to_ts,
       defined_at = excluded.defined_at`,
  ).run(row);
}

/** Deletes a definition; a found rollout it adjusted comes back as found. */
export function deleteRolloutDefinition(db: CaseDb, id: string): boolean {
  if (db.readonly) throw new CoalmineError('READ_ONLY', 'this case is open read-only: rollouts cannot be removed');
  return db.prepare(`DELETE FROM rollout_definitions WHERE id = ?`).run(id).changes > 0;
}
