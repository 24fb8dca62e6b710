// Track tagging rules: which events are the canary's and which are stable's. Formats only
// extract the evidence (the track-like label a record carries, its host, pod, service and
// version); these rules decide the track and name the rule that decided it (`track_rule`), so
// a reader can check why and a case can be re-tagged from the stored columns without
// re-importing. The rules are data (JSON checked by zod, shared/taggingRules.ts), saved in the
// case's settings, and reach the parse worker as plain data in the normalise context, never
// through a DB handle.
import type { Track } from '../../../shared/logEvent.js';
import { type TaggingRule, type TaggingRules, ruleName } from '../../../shared/taggingRules.js';
import { field } from './fieldAccess.js';

export {
  DEFAULT_TAGGING_RULES,
  type TaggingRule,
  type TaggingRules,
  parseTaggingRules,
  ruleName,
  taggingRuleSchema,
  taggingRulesSchema,
} from '../../../shared/taggingRules.js';

/** The settings key the case keeps its rules under. */
export const TAGGING_RULES_KEY = 'tagging.rules';

/**
 * Where formats look for the track-like label, in order: ECS `labels.*` (what our own
 * services and Elastic agents set), the Kubernetes pod labels as Filebeat/Elastic Agent
 * ship them (`kubernetes.labels.*`; `role` is the label of Argo Rollouts' canaryMetadata /
 * stableMetadata examples), then a plain `track` field.
 */
export const TRACK_LABEL_FIELDS = [
  'labels.track',
  'labels.release',
  'labels.role',
  'kubernetes.labels.track',
  'kubernetes.labels.release',
  'kubernetes.labels.role',
  'track',
] as const;

// A `release` label is often a Helm release name and `role` a component ("frontend"), so a
// value that names a track wins over an earlier field that does not.
const TRACK_WORDS = new Set(['canary', 'preview', 'stable', 'baseline', 'primary', 'active']);

/** The track-like label a document carries (its text as written), or null. */
export function trackLabelOf(doc: Record<string, unknown>): string | null {
  // Most documents carry none of these: look at the top-level keys first.
  if (!LABEL_ROOTS.some((key) => Object.hasOwn(doc, key))) return null;
  let first: string | null = null;
  for (const path of TRACK_LABEL_FIELDS) {
    const value = field(doc, path);
    if (typeof value !== 'string' || value.trim() === '') continue;
    if (TRACK_WORDS.has(value.trim().toLowerCase())) return value;
    first ??= value;
  }
  return first;
}

// The top-level keys under which any of TRACK_LABEL_FIELDS can be found, dotted or nested.
const LABEL_ROOTS = ['labels', 'kubernetes', 'kubernetes.labels', ...TRACK_LABEL_FIELDS];

/** What the rules read: the columns stored with every event (and metric). */
export interface TagEvidence {
  trackLabel: string | null;
  host: string | null;
  pod: string | null;
  service: string | null;
  version: string | null;
}

export interface TagResult {
  track: Track;
  trackRule: string | null;
}

const UNKNOWN: TagResult = { track: 'unknown', trackRule: null };

/** A compiled rule: returns the track it names for the evidence, or null. */
type Matcher = (e: TagEvidence) => Exclude<Track, 'unknown'> | 'conflict' | null;

export interface CompiledRules {
  readonly rules: TaggingRules;
  tag(evidence: TagEvidence, importTrack: 'canary' | 'stable' | null): TagResult;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Case-insensitive, and no ASCII letter right before or after: `web-canary-2` yes, `canaryish` no. */
function wordPattern(list: readonly string[]): RegExp | null {
  if (list.length === 0) return null;
  return new RegExp(`(?<![a-z])(?:${list.map((w) => escapeRegExp(w.trim().toLowerCase())).join('|')})(?![a-z])`, 'i');
}

function either(canary: boolean, stable: boolean): ReturnType<Matcher> {
  if (canary && stable) return 'conflict';
  if (canary) return 'canary';
  if (stable) return 'stable';
  return null;
}

function podTemplateHash(pod: string): string | null {
  const parts = pod.split('-');
  return parts.length >= 3 ? (parts[parts.length - 2] ?? null) : null;
}

function compileRule(rule: TaggingRule): Matcher {
  switch (rule.kind) {
    case 'label': {
      const canary = new Set(rule.canary.map((w) => w.trim().toLowerCase()));
      const stable = new Set(rule.stable.map((w) => w.trim().toLowerCase()));
      return (e) => {
        if (e.trackLabel === null) return null;
        const value = e.trackLabel.trim().toLowerCase();
        return either(canary.has(value), stable.has(value));
      };
    }
    case 'name': {
      const canary = wordPattern(rule.canary);
      const stable = wordPattern(rule.stable);
      const key = rule.field;
      return (e) => {
        const value = e[key];
        if (value === null) return null;
        return either(canary?.test(value) ?? false, stable?.test(value) ?? false);
      };
    }
    case 'version':
      return (e) => {
        if (rule.service !== undefined && e.service !== rule.service) return null;
        if (e.version === null) return null;
        if (e.version === rule.canaryVersion) return 'canary';
        if (rule.stableVersion !== undefined && e.version === rule.stableVersion) return 'stable';
        return null;
      };
    case 'pod-template-hash': {
      const canary = new Set(rule.canary.map((w) => w.trim()));
      const stable = new Set(rule.stable.map((w) => w.trim()));
      return (e) => {
        const hash = e.pod === null ? null : podTemplateHash(e.pod);
        if (hash === null) return null;
        return either(canary.has(hash), stable.has(hash));
      };
    }
  }
}

/** `track_rule` of a track given to a whole import (`--track`). */
export const IMPORT_RULE = 'import';

/**
 * Compiles the rules once per import (or retag). An import-wide track overrides them all. A
 * rule whose canary and stable words both match (a host named `canary-vs-stable`) decides
 * nothing, and the next rule is tried.
 */
export function compileRules(rules: TaggingRules): CompiledRules {
  const compiled = rules.rules.map((rule) => ({ match: compileRule(rule), name: ruleName(rule) }));
  return {
    rules,
    tag(evidence, importTrack) {
      if (importTrack) return { track: importTrack, trackRule: IMPORT_RULE };
      for (const { match, name } of compiled) {
        const found = match(evidence);
        if (found === 'canary' || found === 'stable') return { track: found, trackRule: name };
      }
      return UNKNOWN;
    },
  };
}
