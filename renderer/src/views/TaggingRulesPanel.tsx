import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { CoalmineApi } from '../../../shared/api';
import { formatCount } from '../../../shared/metricFormat';
import {
  type RetagResult,
  type TaggingRule,
  type TaggingRules,
  type TaggingState,
  describeTaggingRule,
  ruleName,
  taggingRulesIssues,
} from '../../../shared/taggingRules';
import { errorText } from '../usePolledJob';

// The case's track tagging rules as an editable list (tagging.get / tagging.save), and the
// re-tag that applies the saved rules to the stored events (tagging.retag); "Use the defaults"
// deletes the case's own rules (tagging.reset), as `coalmine tags --reset` does. The rules are
// checked while they are typed with the same schema the core checks them with, and each
// problem is shown beside its field. Values (label words, pod names) are form values and
// React text, never HTML.

type Kind = TaggingRule['kind'];

const KINDS: { kind: Kind; label: string }[] = [
  { kind: 'label', label: 'Track label value' },
  { kind: 'name', label: 'Words in the pod or host name' },
  { kind: 'version', label: 'Service version' },
  { kind: 'pod-template-hash', label: 'Argo Rollouts pod template hash' },
];

const KIND_LABEL = Object.fromEntries(KINDS.map((k) => [k.kind, k.label])) as Record<Kind, string>;

/** One rule as the form holds it: every field as typed, whatever its kind. */
interface RuleRow {
  /** For React only: rows are added, moved and removed. */
  key: number;
  kind: Kind;
  name: string;
  field: 'host' | 'pod';
  /** The words as typed, one per input: a word may hold a comma or any other character. */
  canary: string[];
  stable: string[];
  service: string;
  canaryVersion: string;
  stableVersion: string;
}

let nextKey = 1;

function rowOf(rule: TaggingRule | { kind: Kind }): RuleRow {
  const r = rule as Partial<Record<string, unknown>>;
  const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  return {
    key: nextKey++,
    kind: rule.kind,
    name: text(r.name),
    field: r.field === 'host' ? 'host' : 'pod',
    canary: list(r.canary),
    stable: list(r.stable),
    service: text(r.service),
    canaryVersion: text(r.canaryVersion),
    stableVersion: text(r.stableVersion),
  };
}

/** The rule a row stands for; checked afterwards, so an empty required field stays to be named. */
function ruleOf(row: RuleRow): Record<string, unknown> {
  const name = row.name.trim() === '' ? {} : { name: row.name.trim() };
  switch (row.kind) {
    case 'label':
    case 'pod-template-hash':
      return { kind: row.kind, ...name, canary: row.canary, stable: row.stable };
    case 'name':
      return { kind: row.kind, ...name, field: row.field, canary: row.canary, stable: row.stable };
    case 'version':
      return {
        kind: row.kind,
        ...name,
        ...(row.service.trim() === '' ? {} : { service: row.service.trim() }),
        canaryVersion: row.canaryVersion.trim(),
        ...(row.stableVersion.trim() === '' ? {} : { stableVersion: row.stableVersion.trim() }),
      };
  }
}

const rowsOf = (rules: TaggingRules): RuleRow[] => rules.rules.map(rowOf);
const same = (a: RuleRow[], b: RuleRow[]): boolean => JSON.stringify(a.map(ruleOf)) === JSON.stringify(b.map(ruleOf));

/** What each kind's two word lists are called. */
const WORD_LABELS: Record<Exclude<Kind, 'version'>, { canary: string; stable: string; hint: string }> = {
  label: {
    canary: 'Label values meaning canary',
    stable: 'Label values meaning stable',
    hint: 'the whole value of labels.track, labels.role, kubernetes.labels.role, …; any case',
  },
  name: {
    canary: 'Words meaning canary',
    stable: 'Words meaning stable',
    hint: 'a word of the name, with no letter right before or after it; any case',
  },
  'pod-template-hash': {
    canary: 'Canary ReplicaSet hashes',
    stable: 'Stable ReplicaSet hashes',
    hint: 'rollouts-pod-template-hash: the second-to-last part of a pod name <rollout>-<hash>-<suffix>',
  },
};

/** Ids of the hint and the error that describe a control, when shown. */
const describedBy = (id: string, error: string | undefined, hint: string | undefined): string | undefined =>
  [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter((x) => x !== null).join(' ') || undefined;

/** A hint and an error beside a control, outside its label: read as its description, not its name. */
function FieldNotes({ id, error, hint }: { id: string; error: string | undefined; hint: string | undefined }) {
  return (
    <>
      {hint && (
        <small className="muted" id={`${id}-hint`}>
          {hint}
        </small>
      )}
      {error && (
        <span className="field-error" id={`${id}-error`} data-testid="rule-field-error">
          {error}
        </span>
      )}
    </>
  );
}

function Field({
  id,
  label,
  value,
  error,
  hint,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  error: string | undefined;
  hint?: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="rule-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        data-testid={id}
        value={value}
        aria-invalid={error !== undefined}
        aria-describedby={describedBy(id, error, hint)}
        onChange={(e) => onChange(e.target.value)}
      />
      <FieldNotes id={id} error={error} hint={hint} />
    </div>
  );
}

/**
 * A list of words, one input each (so a word holding a comma stays one word), with its own
 * add and remove buttons. `errors` maps `''` (the list) and each word's index to its problem.
 */
function WordList({
  id,
  label,
  words,
  errors,
  hint,
  onChange,
}: {
  id: string;
  label: string;
  words: string[];
  errors: Map<string, string>;
  hint: string;
  onChange: (words: string[]) => void;
}) {
  const listError = errors.get('');
  return (
    <fieldset className="rule-field word-list" data-testid={id} aria-describedby={describedBy(id, listError, hint)}>
      <legend>{label}</legend>
      {words.length === 0 && <span className="muted">none</span>}
      <ol>
        {words.map((word, i) => {
          const wordId = `${id}-${i + 1}`;
          const error = errors.get(String(i));
          return (
            <li key={i}>
              <span className="word">
                <input
                  id={wordId}
                  data-testid={wordId}
                  value={word}
                  aria-label={`${label}: word ${i + 1}`}
                  aria-invalid={error !== undefined}
                  aria-describedby={describedBy(wordId, error, undefined)}
                  onChange={(e) => onChange(words.map((w, j) => (j === i ? e.target.value : w)))}
                />
                <button
                  type="button"
                  aria-label={`Remove word ${i + 1} of ${label}`}
                  data-testid={`${wordId}-remove`}
                  onClick={() => onChange(words.filter((_, j) => j !== i))}
                >
                  ×
                </button>
              </span>
              <FieldNotes id={wordId} error={error} hint={undefined} />
            </li>
          );
        })}
      </ol>
      <button
        type="button"
        data-testid={`${id}-add`}
        aria-label={`Add a word to ${label}`}
        onClick={() => onChange([...words, ''])}
      >
        Add a word
      </button>
      <FieldNotes id={id} error={listError} hint={hint} />
    </fieldset>
  );
}

function RuleEditor({
  row,
  index,
  count,
  errors,
  onChange,
  onMove,
  onRemove,
}: {
  row: RuleRow;
  index: number;
  count: number;
  /** Problems by field (`canary`), or word of a field (`canary.2`); `''` holds those of the rule as a whole. */
  errors: Map<string, string>;
  onChange: (row: RuleRow) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const id = (field: string): string => `rule-${index + 1}-${field}`;
  const set = (field: 'name' | 'service' | 'canaryVersion' | 'stableVersion') => (value: string) =>
    onChange({ ...row, [field]: value });
  /** The problems of one word list: `''` for the list, else the word's index. */
  const wordErrors = (field: 'canary' | 'stable'): Map<string, string> => {
    const found = new Map<string, string>();
    for (const [key, message] of errors) {
      if (key === field) found.set('', message);
      else if (key.startsWith(`${field}.`)) found.set(key.slice(field.length + 1), message);
    }
    return found;
  };
  const rule = ruleOf(row);
  const valid = errors.size === 0;
  const number = index + 1;
  return (
    <li className="rule" data-testid="tagging-rule" aria-label={`Rule ${number}`}>
      <div className="rule-head">
        <strong>Rule {number}</strong>
        <label htmlFor={id('kind')}>
          Matches{' '}
          <select
            id={id('kind')}
            data-testid={id('kind')}
            value={row.kind}
            onChange={(e) => onChange({ ...row, kind: e.target.value as Kind })}
          >
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <span className="actions">
          <button type="button" onClick={() => onMove(-1)} disabled={index === 0} aria-label={`Move rule ${number} up`}>
            ↑
          </button>
          <button
            type="button"
            onClick={() => onMove(1)}
            disabled={index === count - 1}
            aria-label={`Move rule ${number} down`}
          >
            ↓
          </button>
          <button type="button" onClick={onRemove} aria-label={`Remove rule ${number}`} data-testid={id('remove')}>
            Remove
          </button>
        </span>
      </div>
      <p className="rule-words" data-testid="rule-description">
        {valid ? describeTaggingRule(rule as TaggingRule) : 'Not valid yet: see the fields below.'}
      </p>
      {errors.get('') !== undefined && (
        <p className="field-error" data-testid="rule-field-error">
          {errors.get('')}
        </p>
      )}
      <div className="rule-fields">
        {row.kind === 'name' && (
          <label htmlFor={id('field')} className="rule-field">
            <span>Name of the</span>
            <select
              id={id('field')}
              data-testid={id('field')}
              value={row.field}
              onChange={(e) => onChange({ ...row, field: e.target.value === 'host' ? 'host' : 'pod' })}
            >
              <option value="pod">pod</option>
              <option value="host">host</option>
            </select>
          </label>
        )}
        {row.kind === 'version' ? (
          <>
            <Field
              id={id('service')}
              label="Service (blank: any)"
              value={row.service}
              error={errors.get('service')}
              onChange={set('service')}
            />
            <Field
              id={id('canaryVersion')}
              label="Canary version"
              value={row.canaryVersion}
              error={errors.get('canaryVersion')}
              onChange={set('canaryVersion')}
            />
            <Field
              id={id('stableVersion')}
              label="Stable version (optional)"
              value={row.stableVersion}
              error={errors.get('stableVersion')}
              onChange={set('stableVersion')}
            />
          </>
        ) : (
          <>
            <WordList
              id={id('canary')}
              label={WORD_LABELS[row.kind].canary}
              words={row.canary}
              errors={wordErrors('canary')}
              hint="one word to a box; a word may hold spaces and commas"
              onChange={(canary) => onChange({ ...row, canary })}
            />
            <WordList
              id={id('stable')}
              label={WORD_LABELS[row.kind].stable}
              words={row.stable}
              errors={wordErrors('stable')}
              hint={WORD_LABELS[row.kind].hint}
              onChange={(stable) => onChange({ ...row, stable })}
            />
          </>
        )}
        <Field
          id={id('name')}
          label="Rule name (kept with each event it tags)"
          value={row.name}
          error={errors.get('name')}
          hint={`blank: ${valid ? ruleName(rule as TaggingRule) : row.kind}`}
          onChange={set('name')}
        />
      </div>
    </li>
  );
}

function RetagReport({ result }: { result: RetagResult }) {
  return (
    <div data-testid="retag-result" className="retag-result">
      <p>
        Re-tagged {formatCount(result.events)} events ({formatCount(result.changed)} changed): canary{' '}
        {formatCount(result.byTrack.canary)}, stable {formatCount(result.byTrack.stable)}, unknown{' '}
        {formatCount(result.byTrack.unknown)}
        {result.metrics > 0
          ? `; ${formatCount(result.metrics)} metric samples (${formatCount(result.metricsChanged)} changed)`
          : ''}
        .
      </p>
      {result.moved.length === 0 ? (
        <p data-testid="retag-no-move">No event moved to another track.</p>
      ) : (
        <ul>
          {result.moved.map((m) => (
            <li key={`${m.from}-${m.to}`} data-testid="retag-move" data-from={m.from} data-to={m.to}>
              {formatCount(m.events)} {m.events === 1 ? 'event' : 'events'} moved from {m.from} to {m.to}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function TrackCounts({ state }: { state: TaggingState }) {
  if (state.tracks.length === 0) return <p className="muted">The case holds no event yet.</p>;
  return (
    <table className="comparison" data-testid="tagging-tracks">
      <caption>The stored events now, by track and the rule that decided it</caption>
      <thead>
        <tr>
          <th scope="col">Track</th>
          <th scope="col">Rule</th>
          <th scope="col">Events</th>
        </tr>
      </thead>
      <tbody>
        {state.tracks.map((t) => (
          <tr key={`${t.track}-${t.rule ?? ''}`} data-testid="tagging-track" data-track={t.track}>
            <th scope="row">{t.track}</th>
            <td>{t.rule ?? '—'}</td>
            <td>{formatCount(t.events)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The tagging rules of the open case. `generation` changes when the case's events may have
 * changed (an import): the counts are read again, the rules being edited are kept.
 */
export function TaggingRulesPanel({
  api,
  canWrite,
  generation,
  onRetagged,
}: {
  api: CoalmineApi;
  canWrite: boolean;
  generation: number;
  onRetagged: () => void;
}) {
  const [state, setState] = useState<TaggingState | null>(null);
  const [rows, setRows] = useState<RuleRow[] | null>(null);
  const [newKind, setNewKind] = useState<Kind>('name');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [retag, setRetag] = useState<RetagResult | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    () =>
      api['tagging.get']({}).then(
        (loaded) => {
          setState(loaded);
          setLoadError(null);
          setRows((current) => current ?? rowsOf(loaded.rules));
        },
        (e: unknown) => setLoadError(errorText(e)),
      ),
    [api],
  );
  useEffect(() => {
    void load();
  }, [load, generation]);

  const editing = rows ?? [];
  const rules = editing.map(ruleOf);
  const issues = taggingRulesIssues({ rules });
  const errorsOf = (index: number): Map<string, string> => {
    const found = new Map<string, string>();
    for (const issue of issues) {
      if (issue.rule !== index) continue;
      const field = issue.field === null ? '' : issue.item === null ? issue.field : `${issue.field}.${issue.item}`;
      if (!found.has(field)) found.set(field, issue.message);
    }
    return found;
  };
  const listIssue = issues.find((i) => i.rule === null);
  const dirty = state !== null && rows !== null && !same(rows, rowsOf(state.rules));
  const change = (next: RuleRow[]): void => {
    setRows(next);
    setNotice(null);
    setError(null);
    // A re-tag report describes the rules it applied: edited rules are no longer those.
    setRetag(null);
  };

  /** Runs one call of the panel: busy meanwhile, the last notice and re-tag report cleared, a refusal shown. */
  const act = <T,>(call: Promise<T>, done: (value: T) => void): void => {
    setBusy(true);
    setError(null);
    setNotice(null);
    setRetag(null);
    call.then(
      (value) => {
        setBusy(false);
        done(value);
      },
      (e: unknown) => {
        setBusy(false);
        setError(errorText(e));
      },
    );
  };

  const save = (event: FormEvent): void => {
    event.preventDefault();
    if (issues.length > 0 || !dirty || busy) return;
    act(api['tagging.save']({ rules }), (saved) => {
      setState(saved);
      setRows(rowsOf(saved.rules));
      setNotice('Saved. New imports use these rules; re-tag to apply them to the events already stored.');
    });
  };

  /** Deletes the case's own rules (tagging.reset), as `coalmine tags --reset`: the defaults apply again. */
  const useDefaults = (): void =>
    act(api['tagging.reset']({}), (reset) => {
      setState(reset);
      setRows(rowsOf(reset.rules));
      setNotice(
        'The case uses the default rules again. New imports use them; re-tag to apply them to the events already stored.',
      );
    });

  const runRetag = (): void =>
    act(api['tagging.retag']({}), (result) => {
      setRetag(result);
      // The page reads the case again, and with it these counts (`generation`).
      onRetagged();
    });

  return (
    <details className="editor-panel" data-testid="tagging-panel">
      <summary>Tagging rules (which events are the canary’s, which stable’s)</summary>
      {loadError !== null && (
        <p className="error" role="alert" data-testid="tagging-error">
          {loadError}
        </p>
      )}
      {state === null && loadError === null && <p className="muted">Reading the rules…</p>}
      {state !== null && (
        <>
          <p className="muted">
            <span data-testid="tagging-source">
              {state.own ? 'The case’s own rules' : 'The default rules (the case has saved none)'}
            </span>
            , tried in order for each event; the first rule that names a track decides it. A file imported with a track
            keeps it.
          </p>
          {canWrite ? (
            <form onSubmit={save} data-testid="tagging-form" aria-label="Tagging rules">
              <ol className="rules">
                {editing.map((row, index) => (
                  <RuleEditor
                    key={row.key}
                    row={row}
                    index={index}
                    count={editing.length}
                    errors={errorsOf(index)}
                    onChange={(next) => change(editing.map((r) => (r.key === row.key ? next : r)))}
                    onMove={(by) => {
                      const next = [...editing];
                      const [moved] = next.splice(index, 1);
                      if (moved) next.splice(index + by, 0, moved);
                      change(next);
                    }}
                    onRemove={() => change(editing.filter((r) => r.key !== row.key))}
                  />
                ))}
              </ol>
              {editing.length === 0 && (
                <p className="muted">No rule: every event not imported with a track is unknown.</p>
              )}
              {listIssue !== undefined && <p className="field-error">{listIssue.message}</p>}
              <span className="actions">
                <label htmlFor="tagging-new-kind">
                  New rule{' '}
                  <select
                    id="tagging-new-kind"
                    data-testid="tagging-new-kind"
                    value={newKind}
                    onChange={(e) => setNewKind(e.target.value as Kind)}
                  >
                    {KINDS.map((k) => (
                      <option key={k.kind} value={k.kind}>
                        {k.label}
                      </option>
                    ))}
                  </select>
                </label>
                <button
                  type="button"
                  data-testid="tagging-add"
                  onClick={() => change([...editing, rowOf({ kind: newKind })])}
                >
                  Add rule
                </button>
                <button
                  type="button"
                  data-testid="tagging-defaults"
                  disabled={busy || !state.own}
                  aria-describedby="tagging-defaults-hint"
                  onClick={useDefaults}
                >
                  Use the defaults
                </button>
                <small className="muted" id="tagging-defaults-hint">
                  {state.own ? 'deletes the case’s own rules' : 'the case uses them now'}
                </small>
                <button
                  type="button"
                  data-testid="tagging-undo"
                  disabled={!dirty}
                  onClick={() => change(rowsOf(state.rules))}
                >
                  Undo changes
                </button>
              </span>
              <span className="actions">
                <button type="submit" data-testid="tagging-save" disabled={busy || !dirty || issues.length > 0}>
                  Save rules
                </button>
                <button type="button" data-testid="tagging-retag" disabled={busy || dirty} onClick={runRetag}>
                  {busy ? 'Working…' : 'Re-tag the stored events'}
                </button>
                {dirty && <span className="muted">Save the rules first: a re-tag applies the saved rules.</span>}
              </span>
            </form>
          ) : (
            <>
              <ol className="rules" data-testid="tagging-read-only">
                {state.rules.rules.map((rule, i) => (
                  <li key={i} data-testid="tagging-rule">
                    <strong>{ruleName(rule)}</strong> ({KIND_LABEL[rule.kind]}): {describeTaggingRule(rule)}
                  </li>
                ))}
              </ol>
              <p className="muted">This case is open read-only: its rules are shown, not changed.</p>
            </>
          )}
          {/* One polite live region for what a save, a reset or a re-tag did. */}
          <div role="status" aria-live="polite" data-testid="tagging-outcome">
            {notice !== null && <p data-testid="tagging-notice">{notice}</p>}
            {error !== null && (
              <p className="error" data-testid="tagging-save-error">
                {error}
              </p>
            )}
            {retag !== null && <RetagReport result={retag} />}
          </div>
          <TrackCounts state={state} />
        </>
      )}
    </details>
  );
}
