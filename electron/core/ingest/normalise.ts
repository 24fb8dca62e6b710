// The decisions made once for every format, after it has mapped a record's fields: the
// track (an import-wide `--track` first, then the case's tagging rules over the evidence the
// format extracted), the authentication failure rule, and the exception fingerprint. Plain
// data in, so it runs in the parse worker.
import type { NewEvent } from '../case/events.js';
import { authFailureRule } from './classify.js';
import { exceptionOfStack, fingerprintOf } from './fingerprint.js';
import type { NewMetric } from './formats/types.js';
import { type CompiledRules, type TagEvidence, type TagResult, type TaggingRules, compileRules } from './tagging.js';

export interface NormaliseContext {
  /** An import-wide track (`--track`) overrides what the records say. */
  track: 'canary' | 'stable' | null;
  /** An import-wide service and version (`--service`, `--version`) override the records'. */
  service: string | null;
  version: string | null;
  /**
   * An import-wide environment (`--environment`) for the records that name none: unlike the
   * service, a record's own environment is kept (a pull of `logs-*` holds several).
   */
  environment: string | null;
  /** The case's tagging rules (`tagging.ts`; DEFAULT_TAGGING_RULES when it saved none). */
  rules: TaggingRules;
}

// Compiled once per rules object (one per import), not per record.
const compiledRules = new WeakMap<TaggingRules, CompiledRules>();

export function tag(evidence: TagEvidence, ctx: Pick<NormaliseContext, 'track' | 'rules'>): TagResult {
  let compiled = compiledRules.get(ctx.rules);
  if (!compiled) {
    compiled = compileRules(ctx.rules);
    compiledRules.set(ctx.rules, compiled);
  }
  return compiled.tag(evidence, ctx.track);
}

/** An environment as kept: trimmed, blank as none (whatever a format or a caller passed). */
function environmentName(value: string | null | undefined): string | null {
  return value?.trim() || null;
}

export function normaliseEvent(event: NewEvent, ctx: NormaliseContext): NewEvent {
  if (ctx.service) event.service = ctx.service;
  if (ctx.version) event.version = ctx.version;
  event.environment = environmentName(event.environment) ?? environmentName(ctx.environment);
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
  sample.environment = environmentName(sample.environment) ?? environmentName(ctx.environment);
  return Object.assign(sample, tag(sample, ctx));
}
