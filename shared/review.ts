// The post-deployment review as one document model (ARCHITECTURE.md, "Review document"):
// built once from the case by electron/core/review/reviewModel.ts, then rendered by every
// format (Markdown, HTML, PDF, JSON) without looking anything else up. Everything a person
// reads is already text here — times as DD/MM/YYYY HH:mm:ss in Europe/London, numbers as the
// comparison page shows them — so the formats cannot disagree. The JSON format is this model
// as it stands (docs/schema/review.schema.json); it holds no ISO date, only epoch ms beside
// the UK text, for machines.
import { z } from 'zod';
import type { Decision, RowAction, RuleOutcome } from './api.js';

export const REVIEW_FORMATS = ['md', 'html', 'pdf', 'json'] as const;
export type ReviewFormat = (typeof REVIEW_FORMATS)[number];

/** A moment as the review shows it. */
export interface ReviewTime {
  /** UTC epoch milliseconds, for machines reading the JSON. */
  epochMs: number;
  /** `DD/MM/YYYY HH:mm:ss GMT|BST` in Europe/London. */
  uk: string;
}

/** Where a finding can be checked: counts, one sample event, and the file and line it came from. */
export interface ReviewEvidence {
  /** The counts behind the finding, as a sentence fragment: "23 of 118 canary requests". */
  counts: string;
  sample: ReviewSample | null;
}

export interface ReviewSample {
  /** The event as logged (pseudonymised unless the review is in clear), one line, trimmed. */
  text: string;
  at: ReviewTime;
  sourceId: number;
  /** The source's file name (base name, or the pull's name), never a credential. */
  sourceName: string;
  line: number;
}

export type TimelineKind = 'surge' | 'new-exception' | 'auth-burst' | 'threshold' | 'rollout-action';

export interface TimelineEntry {
  at: ReviewTime;
  /** Set for findings that last: the end of a surge or a burst (exclusive). */
  until: ReviewTime | null;
  kind: TimelineKind;
  /** One line: "401 surge on the canary". */
  title: string;
  /** One or two sentences with the figures. */
  detail: string;
  evidence: ReviewEvidence;
}

export interface ReviewComparisonRow {
  metric: string;
  label: string;
  /** Formatted as the comparison page shows them ("1.2 % (3 of 250)", "178.2 ms", "—"). */
  stable: string;
  canary: string;
  variance: string;
  pValue: string;
  action: RowAction;
  /** The action as words a reader acts on: "Roll back", "None", "Investigate", … */
  actionRequired: string;
}

export interface ReviewReason {
  rule: string;
  outcome: RuleOutcome;
  blocks: boolean;
  text: string;
}

/** An action the analyst recorded (kept in the case), or one found in the logs. */
export interface ReviewAction {
  at: ReviewTime | null;
  text: string;
  /** Who took it, when the analyst said so. */
  by: string | null;
  origin: 'analyst' | 'logs';
  /** For an action found in the logs: where. */
  evidence: ReviewEvidence | null;
}

export interface ReviewRecommendation {
  /** The rule's stable id (`key-rotation`, `profile-endpoints`, …), or `analyst-<n>`. */
  id: string;
  text: string;
  /** Why it applies: the finding that triggered the rule, or "added by the analyst". */
  because: string;
  origin: 'rule' | 'analyst';
}

export interface ReviewSourceEvidence {
  id: number;
  name: string;
  sha256: string;
  size: number;
  sizeText: string;
  format: string;
  zone: string;
  lines: number;
  events: number;
  rejects: number;
  authFailures: number;
  exceptions: number;
  importedAt: ReviewTime;
  state: 'importing' | 'complete' | 'incomplete';
  /** For an Elasticsearch pull: what was asked of which cluster. Null for a file. */
  pull: {
    cluster: string;
    index: string;
    query: string;
    from: ReviewTime;
    to: ReviewTime;
    hits: number;
    pulledAt: ReviewTime | null;
  } | null;
}

export interface ReviewQuery {
  /** The figure it reproduces: "Canary 401 rate", … */
  figure: string;
  /** SQL to run with `sqlite3 <case>`; values from logs are literals that cannot act. */
  sql: string;
}

export interface ReviewThreshold {
  /** The analysis setting's key, and what it means. */
  key: string;
  value: string;
  meaning: string;
}

/** Distinct principals (the `user` of events) or client IPs with an authentication failure. */
export interface ReviewAffectedCounts {
  canary: number;
  stable: number;
  /** Of the canary's, those that never failed on stable in the window. */
  canaryOnly: number;
}

/** A principal or client IP as the review shows it: a pseudonym unless the review is in clear. */
export interface ReviewAffectedParty {
  kind: 'user' | 'ip';
  name: string;
  /** Its authentication failures on the canary (for a surge: its answers of the surge's status). */
  count: number;
}

/** Who the canary answered 401 or 403 during one surge of the timeline. */
export interface ReviewSurgeParties {
  status: 401 | 403;
  at: ReviewTime;
  /** The surge's end (exclusive). */
  until: ReviewTime;
  /** The principals, then the client IPs, with the most answers of `status` in the surge. */
  parties: ReviewAffectedParty[];
  /** Distinct principals and client IPs answered `status` in the surge, listed or not. */
  distinct: { users: number; ips: number };
}

/** Who the canary hurt: principals and client IPs that failed authentication on it. */
export interface ReviewAffected {
  /** One to three sentences with the figures; says so when nobody failed only on the canary. */
  summary: string[];
  principals: ReviewAffectedCounts;
  clientIps: ReviewAffectedCounts;
  /** Authentication failures on the canary that name neither a principal nor a client IP. */
  canaryUnnamed: number;
  /**
   * Principals, then client IPs, that failed on the canary and never on stable; each kind most
   * failures first, as many as the `topSources` setting.
   */
  canaryOnly: ReviewAffectedParty[];
  /** Those of `canaryOnly`'s kind left out of the bounded list. */
  canaryOnlyNotListed: { users: number; ips: number };
  /** One per 401/403 surge of the timeline, in time order. */
  surges: ReviewSurgeParties[];
}

export interface ReviewDocument {
  /** Version of this shape (docs/schema/review.schema.json). */
  schemaVersion: 1;
  title: string;
  service: string;
  /** The rollout's deployment environment; absent when its events name none. */
  environment?: string;
  rolloutId: string;
  stableVersion: string | null;
  canaryVersion: string;
  window: { from: ReviewTime; to: ReviewTime; duration: string; crossesClockChange: boolean };
  /** One sentence on how times are written, for the document's head. */
  timeNote: string;
  /** The last event the review rests on: the document's date, stable for a given case. */
  asOf: ReviewTime;
  verdict: { decision: Decision; label: string; summary: string; reasons: ReviewReason[] };
  author: string | null;
  signOff: { name: string | null; role: string | null; date: string | null };
  /** True unless the review was asked for in clear (`--no-pseudonymise`). */
  pseudonymised: boolean;
  /** Three to five sentences a manager can read. */
  summary: string[];
  comparison: { rows: ReviewComparisonRow[]; notes: string[] };
  timeline: TimelineEntry[];
  /** Who was affected: read after the timeline, before the actions taken. */
  affected: ReviewAffected;
  actions: ReviewAction[];
  rootCause: {
    whatOccurred: string;
    why: string;
    prevention: string;
    /** True while the text is the draft written from the findings, not yet edited by the analyst. */
    draft: boolean;
  };
  recommendations: ReviewRecommendation[];
  evidence: {
    sources: ReviewSourceEvidence[];
    /** Sources left out of every figure because their import did not finish. */
    excludedSources: { id: number; name: string; state: string }[];
    queries: ReviewQuery[];
    thresholds: ReviewThreshold[];
  };
}

/**
 * DD/MM/YYYY HH:mm[:ss] in Europe/London, as the analyst types it, with GMT or BST after it
 * where the clock changes (the hour repeated in autumn needs it; see parseNoteTime).
 */
const ukTimeText = z
  .string()
  .max(40)
  .regex(
    /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}(:\d{2})?( (GMT|BST))?$/,
    'a time is DD/MM/YYYY HH:mm:ss (Europe/London), with GMT or BST after it where the clock changes',
  );
const prose = z.string().max(20_000);
/** As many as the analyst can dismiss or add: the notes come over IPC and are bounded. */
export const MAX_EDITED_RECOMMENDATIONS = 200;

/**
 * What the analyst writes into a review, kept in the case per rollout (setting
 * `review.notes.<rolloutId>`). Every field is optional: what is left out is drafted from the
 * findings.
 */
export const reviewNotesSchema = z
  .object({
    author: z.string().max(200).optional(),
    signOff: z
      .object({
        name: z.string().max(200).optional(),
        role: z.string().max(200).optional(),
        date: z
          .string()
          .max(20)
          .regex(/^\d{2}\/\d{2}\/\d{4}$/, 'a sign-off date is DD/MM/YYYY')
          .optional(),
      })
      .strict()
      .optional(),
    actions: z
      .array(
        z
          .object({ at: ukTimeText.optional(), text: z.string().min(1).max(2000), by: z.string().max(200).optional() })
          .strict(),
      )
      .max(500)
      .optional(),
    rootCause: z
      .object({ whatOccurred: prose.optional(), why: prose.optional(), prevention: prose.optional() })
      .strict()
      .optional(),
    /** Rule ids whose recommendation the analyst dropped, and ids reworded. */
    dismissedRecommendations: z.array(z.string().max(100)).max(200).optional(),
    editedRecommendations: z
      .record(z.string().max(100), z.string().min(1).max(2000))
      .refine((edited) => Object.keys(edited).length <= MAX_EDITED_RECOMMENDATIONS, {
        message: `at most ${MAX_EDITED_RECOMMENDATIONS} recommendations can be reworded`,
      })
      .optional(),
    /** Recommendations the analyst added, in order. */
    addedRecommendations: z.array(z.string().min(1).max(2000)).max(200).optional(),
  })
  .strict();
export type ReviewNotes = z.infer<typeof reviewNotesSchema>;
