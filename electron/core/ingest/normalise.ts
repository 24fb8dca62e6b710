// The decisions made once for every format, after it has mapped a record's fields: the
// track (an import-wide `--track` first, then the record's own label), the authentication
// failure rule, and the exception fingerprint. Plain data in, so it runs in the parse worker.
import type { Track } from '../../../shared/logEvent.js';
import type { NewEvent } from '../case/events.js';
import { authFailureRule } from './classify.js';
import { exceptionOfStack, fingerprintOf } from './fingerprint.js';
import type { NewMetric } from './formats/types.js';

export interface NormaliseContext {
  /** An import-wide track (`--track`) overrides what the records say. */
  track: 'canary' | 'stable' | null;
  /** An import-wide service and version (`--service`, `--version`) override the records'. */
  service: string | null;
  version: string | null;
}

const TRACK_NAMES: Record<string, Track> = {
  canary: 'canary',
  stable: 'stable',
  baseline: 'stable',
  primary: 'stable',
};

function tag(item: Pick<NewEvent, 'trackLabel'>, ctx: NormaliseContext): { track: Track; trackRule: string | null } {
  if (ctx.track) return { track: ctx.track, trackRule: 'import' };
  const fromLabel = item.trackLabel === null ? undefined : TRACK_NAMES[item.trackLabel.trim().toLowerCase()];
  if (fromLabel) return { track: fromLabel, trackRule: 'label' };
  return { track: 'unknown', trackRule: null };
}

export function normaliseEvent(event: NewEvent, ctx: NormaliseContext): NewEvent {
  if (ctx.service) event.service = ctx.service;
  if (ctx.version) event.version = ctx.version;
  Object.assign(event, tag(event, ctx));
  if (event.errorStack !== null && event.errorType === null) {
    const stated = exceptionOfStack(event.errorStack);
    if (stated) {
      event.errorType = stated.type;
      event.errorMessage ??= stated.message;
    }
  }
  event.fingerprint ??= fingerprintOf(event.errorType, event.errorMessage, event.errorStack);
  // After the exception fields: a rule may recognise the exception type (BadCredentialsException).
  event.authRule ??= authFailureRule({
    status: event.status,
    message: event.message,
    errorType: event.errorType,
    errorMessage: event.errorMessage,
  });
  event.authFailure = event.authRule !== null;
  return event;
}

export function normaliseMetric(sample: NewMetric, ctx: NormaliseContext): NewMetric {
  if (ctx.service) sample.service = ctx.service;
  if (ctx.version) sample.version = ctx.version;
  return Object.assign(sample, tag(sample, ctx));
}
