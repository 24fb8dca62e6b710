// Marks authentication failures at ingest and records which rule matched, so the analysis
// can count per rule and a reader can check why an event was counted. A format that knows a
// record's own verdict (ECS `event.category`/`event.outcome`) sets the rule itself; the
// others are decided here from the fields every format fills in.

export interface AuthSignals {
  status: number | null;
}

export type AuthRule = 'http-401' | 'ecs-authentication-failure';

/** ECS's own statement: `event.category` holds `authentication` and `event.outcome` is `failure`. */
export function ecsAuthenticationFailure(eventCategory: unknown, eventOutcome: unknown): boolean {
  const categories = Array.isArray(eventCategory) ? eventCategory : [eventCategory];
  return categories.includes('authentication') && eventOutcome === 'failure';
}

export function authFailureRule(signals: AuthSignals): AuthRule | null {
  if (signals.status === 401) return 'http-401';
  return null;
}
