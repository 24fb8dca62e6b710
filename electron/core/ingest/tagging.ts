// Track tagging rules: which events are the canary's and which are stable's. Formats only
// extract the evidence (the track-like label a record carries, its host, pod, service and
// version); these rules decide the track and name the rule that decided it (`track_rule`), so
// a reader can check why and a case can be re-tagged from the stored columns without
// re-importing. The rules are data (JSON checked by zod), saved in the case's settings, and
// reach the parse worker as plain data in the normalise context, never through a DB handle.
import { z } from 'zod';
import { CoalmineError } from '../../../shared/errors.js';
import type { Track } from '../../../shared/logEvent.js';
import { field } from './fieldAccess.js';

const word = z.string().trim().min(1).max(200);
const words = z.array(word).max(1000);

const labelRule = z
  .object({
    kind: z.literal('label'),
    name: z.string().min(1).max(100).optional(),
    /** Label values (compared trimmed, case-insensitively) that mean each track. */
    canary: words,
    stable: words,
  })
  .strict();

const nameRule = z
  .object({
    kind: z.literal('name'),
    name: z.string().min(1).max(100).optional(),
    field: z.enum(['host', 'pod']),
    /** Words looked for in the host or pod name, with no letter just before or after them. */
    canary: words,
    stable: words,
  })
  .strict();

const versionRule = z
  .object({
    kind: z.literal('version'),
    name: z.string().min(1).max(100).optional(),
    /** The service this rollout is of; absent: any service. Compared exactly. */
    service: z.string().min(1).max(500).optional(),
    canaryVersion: z.string().min(1).max(500),
    stableVersion: z.string().min(1).max(500).optional(),
  })
  .strict();

const podTemplateHashRule = z
  .object({
    kind: z.literal('pod-template-hash'),
    name: z.string().min(1).max(100).optional(),
    /**
     * Argo Rollouts' `rollouts-pod-template-hash` of the canary and of the stable ReplicaSet
     * (`kubectl argo rollouts get rollout`, or the Rollout's status). A pod of a ReplicaSet is
     * named `<rollout>-<hash>-<suffix>`: the hash is the pod name's second-to-last segment.
     */
    canary: words,
    stable: words,
  })
  .strict();

export const taggingRuleSchema = z.discriminatedUnion('kind', [labelRule, nameRule, versionRule, podTemplateHashRule]);
export const taggingRulesSchema = z
  .object({
    /** Tried in order; the first rule that names a track decides it. */
    rules: z.array(taggingRuleSchema).max(1000),
  })
  .strict();

export type TaggingRule = z.infer<typeof taggingRuleSchema>;
export type TaggingRules = z.infer<typeof taggingRulesSchema>;

/** The settings key the case keeps its rules under. */
export const TAGGING_RULES_KEY = 'tagging.rules';

/**
 * Argo Rollouts' canary strategy adds `canaryMetadata`/`stableMetadata` labels to the pods
 * of each ReplicaSet (its documentation's example: `role: canary` / `role: stable`); the
 * blue-green strategy's `previewMetadata`/`activeMetadata` (`role: preview` / `role: active`):
 * the preview is the new version, the active one is what serves users until promotion.
 */
export const DEFAULT_TAGGING_RULES: TaggingRules = {
  rules: [
    { kind: 'label', canary: ['canary', 'preview'], stable: ['stable', 'baseline', 'primary', 'active'] },
    { kind: 'name', field: 'pod', canary: ['canary'], stable: ['stable', 'baseline', 'primary'] },
    { kind: 'name', field: 'host', canary: ['canary'], stable: ['stable', 'baseline', 'primary'] },
  ],
};

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

/** The name recorded in `track_rule`: the rule's own name, else its kind (and field). */
export function ruleName(rule: TaggingRule): string {
  if (rule.name) return rule.name;
  switch (rule.kind) {
    case 'label':
      return 'label';
    case 'name':
      return `${rule.field}-name`;
    case 'version':
      return rule.service ? `version:${rule.service}` : 'version';
    case 'pod-template-hash':
      return 'pod-template-hash';
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

/** Parses rules given as JSON text (a file to `coalmine tags --set`); throws with what is wrong. */
export function parseTaggingRules(value: unknown): TaggingRules {
  const result = taggingRulesSchema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(top)'}: ${i.message}`)
    .join('; ');
  throw new CoalmineError('BAD_INPUT', `tagging rules are not valid: ${issues}`);
}
