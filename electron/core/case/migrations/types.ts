import type { Database } from 'better-sqlite3';

export interface Migration {
  /** Matches the file's number; `PRAGMA user_version` holds the last one applied. */
  version: number;
  name: string;
  up(db: Database): void;
  /**
   * Only for an additive migration: makes a read-only connection of the schema before it read
   * as the schema after it, with TEMP objects alone (they live in the connection, shadow main's
   * for unqualified names, and write nothing to the case). An auditor's archived case, which
   * must not be written, is then read as it is. A migration without one cannot be read past:
   * a read-only open of a case before it is refused. Shims run in order: a later one over a
   * table an earlier one shadowed builds on `temp.<table>` (drop and recreate that view).
   */
  readOnlyShim?(db: Database): void;
}
