// An event filter (shared/eventFilter.ts) as an SQL condition. Field names map to columns
// through a fixed table and every value is a bound parameter, so nothing typed by a user
// reaches the SQL text.
import type { EventFilter, FilterField } from '../../../shared/eventFilter.js';

const COLUMNS: Record<FilterField, string> = {
  status: 'status',
  'duration.ms': 'duration_ms',
  'url.path': 'url_path',
  'http.method': 'http_method',
  message: 'message',
  'user.name': 'user',
  'client.ip': 'client_ip',
  'log.level': 'level',
  'host.name': 'host',
  'error.type': 'error_type',
  'auth.rule': 'auth_rule',
  'auth.failure': 'auth_failure',
};

export interface SqlCondition {
  sql: string;
  params: Record<string, string | number>;
}

/** `prefix` names the parameters (`<prefix>_0`, …) so several filters share one statement. */
export function filterToSql(filter: EventFilter, prefix: string): SqlCondition {
  const params: Record<string, string | number> = {};
  let n = 0;
  const bind = (value: string | number): string => {
    const name = `${prefix}_${n++}`;
    params[name] = value;
    return `@${name}`;
  };
  const terms = filter.map((c) => {
    const column = COLUMNS[c.field];
    const value = c.value;
    switch (c.op) {
      case 'exists':
        return `${column} IS NOT NULL`;
      case 'missing':
        return `${column} IS NULL`;
      case 'in':
        return `${column} IN (${(Array.isArray(value) ? value : []).map(bind).join(', ')})`;
      case 'contains':
        return `instr(${column}, ${bind(String(value))}) > 0`;
      case 'prefix': {
        const p = bind(String(value));
        return `substr(${column}, 1, length(${p})) = ${p}`;
      }
      default:
        if (value === null || Array.isArray(value)) return '0';
        return `${column} ${c.op} ${bind(value)}`;
    }
  });
  return { sql: terms.length === 0 ? '1' : `(${terms.join(' AND ')})`, params };
}
