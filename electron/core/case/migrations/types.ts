import type { Database } from 'better-sqlite3';

export interface Migration {
  /** Matches the file's number; `PRAGMA user_version` holds the last one applied. */
  version: number;
  name: string;
  up(db: Database): void;
}
