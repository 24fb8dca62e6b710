// Marks authentication failures at ingest and records which rule matched, so the analysis
// can count per rule and a reader can check why an event was counted.

export interface AuthSignals {
  status: number | null;
  eventCategory: unknown;
  eventOutcome: unknown;
}

export type AuthRule = 'http-401' | 'ecs-authentication-failure';

export function authFailureRule(signals: AuthSignals): AuthRule | null {
  const categories = Array.isArray(signals.eventCategory) ? signals.eventCategory : [signals.eventCategory];
  if (categories.includes('authentication') && signals.eventOutcome === 'failure') {
    return 'ecs-authentication-failure';
  }
  if (signals.status === 401) return 'http-401';
  return null;
}
