// Track tagging rules as data: their schema, the defaults, their names and what each matches
// in words. Pure (shared/), because the API contract, the CLI, the import pipeline and the
// page's editor all read and check the same rules; how they are applied to events is
// electron/core/ingest/tagging.ts.
import { z } from 'zod';
import { CoalmineError } from './errors.js';
import type { Track } from './logEvent.js';

/**
 * A text field of a rule, kept trimmed as words are (versions and names are compared exactly: a
 * stray space would match nothing), so the page, which trims what is typed, keeps every rule the
 * CLI saves. The messages are shown beside the field on the page.
 */
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const word = z.string().trim().min(1, 'a word must not be empty').max(200, 'a word holds at most 200 characters');
const words = z.array(word).max(1000, 'at most 1,000 words');

const labelRule = z
  .object({
    kind: z.literal('label'),
    name: text(100).optional(),
    /** Label values (compared trimmed, case-insensitively) that mean each track. */
    canary: words,
    stable: words,
  })
  .strict();

const nameRule = z
  .object({
    kind: z.literal('name'),
    name: text(100).optional(),
    field: z.enum(['host', 'pod']),
    /** Words looked for in the host or pod name, with no letter just before or after them. */
    canary: words,
    stable: words,
  })
  .strict();

const versionRule = z
  .object({
    kind: z.literal('version'),
    name: text(100).optional(),
    /** The service this rollout is of; absent: any service. Compared exactly. */
    service: text(500).optional(),
    canaryVersion: text(500),
    stableVersion: text(500).optional(),
  })
  .strict();

const podTemplateHashRule = z
  .object({
    kind: z.literal('pod-template-hash'),
    name: text(100).optional(),
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

/** One thing wrong with rules being edited: which rule (0-based; null: the list) and field. */
export interface TaggingRuleIssue {
  rule: number | null;
  /** The rule's field (`canary`, `canaryVersion`, …); null when the rule as a whole is wrong. */
  field: string | null;
  /** The word of a word list (0-based) that is wrong; null when the field as a whole is. */
  item: number | null;
  /** The path as the CLI prints it: `rules.1.canaryVersion`. */
  path: string;
  message: string;
}

function issuesOf(error: z.ZodError): TaggingRuleIssue[] {
  return error.issues.map((i) => {
    const [top, index, name, item] = i.path;
    const rule = top === 'rules' && typeof index === 'number' ? index : null;
    const field = rule !== null && typeof name === 'string' ? name : null;
    return {
      rule,
      field,
      item: field !== null && typeof item === 'number' ? item : null,
      path: i.path.length > 0 ? i.path.map(String).join('.') : '(top)',
      message: i.message,
    };
  });
}

/** What is wrong with `value` as tagging rules (the page shows each beside its field); empty when valid. */
export function taggingRulesIssues(value: unknown): TaggingRuleIssue[] {
  const result = taggingRulesSchema.safeParse(value);
  return result.success ? [] : issuesOf(result.error);
}

/**
 * Parses rules given as JSON (a file to `coalmine tags --set`, or the page's editor through the
 * API); throws with what is wrong, naming each rule and field by its path (`rules.1.canary`).
 */
export function parseTaggingRules(value: unknown): TaggingRules {
  const result = taggingRulesSchema.safeParse(value);
  if (result.success) return result.data;
  const issues = issuesOf(result.error)
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  throw new CoalmineError('BAD_INPUT', `tagging rules are not valid: ${issues}`);
}

const listed = (list: readonly string[]): string => (list.length > 0 ? list.join(', ') : '—');

/** What a rule matches, in words (`coalmine tags` and the page's rules panel). */
export function describeTaggingRule(rule: TaggingRule): string {
  switch (rule.kind) {
    case 'label':
      return `label value: canary = ${listed(rule.canary)}; stable = ${listed(rule.stable)}`;
    case 'name':
      return `${rule.field} name holds the word: canary = ${listed(rule.canary)}; stable = ${listed(rule.stable)}`;
    case 'version':
      return `${rule.service ? `service ${rule.service}, ` : ''}version ${rule.canaryVersion} = canary${rule.stableVersion ? `; ${rule.stableVersion} = stable` : ''}`;
    case 'pod-template-hash':
      return `pod template hash: canary = ${listed(rule.canary)}; stable = ${listed(rule.stable)}`;
  }
}

/** Events per track and the rule that decided it (`coalmine tags`, the page's rules panel). */
export interface TrackRuleCount {
  track: Track;
  rule: string | null;
  events: number;
}

/** The case's rules as the page edits them. */
export interface TaggingState {
  rules: TaggingRules;
  defaults: TaggingRules;
  /** False while the case saved no rules of its own (the defaults apply). */
  own: boolean;
  tracks: TrackRuleCount[];
}

/** Events that a re-tag moved from one track to another. */
export interface TrackMove {
  from: Track;
  to: Track;
  events: number;
}

export interface RetagResult {
  events: number;
  /** Events whose track or track rule changed. */
  changed: number;
  byTrack: Record<Track, number>;
  /** Each pair of tracks events moved between (a changed rule alone moves none), most first. */
  moved: TrackMove[];
  metrics: number;
  metricsChanged: number;
}
