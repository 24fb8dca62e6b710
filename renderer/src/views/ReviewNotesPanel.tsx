import { type FormEvent, useCallback, useState } from 'react';
import type { CoalmineApi } from '../../../shared/api';
import type { ReviewDocument, ReviewNotes } from '../../../shared/review';
import { useAsync } from '../useAsync';

// What the analyst writes into the review, kept in the case per rollout. Drafts (root cause,
// recommendations) come from the review document and stay drafts until edited. Everything
// from logs is shown as React text or as a form value: never as HTML.

type RootCauseField = 'whatOccurred' | 'why' | 'prevention';
const ROOT_CAUSE_FIELDS: { field: RootCauseField; label: string }[] = [
  { field: 'whatOccurred', label: 'What occurred' },
  { field: 'why', label: 'Why it occurred' },
  { field: 'prevention', label: 'How to prevent it' },
];

interface ActionRow {
  /** A key for React only: rows are added and removed. */
  key: number;
  at: string;
  text: string;
  by: string;
}

let nextKey = 1;
const actionRow = (a: { at?: string; text?: string; by?: string } = {}): ActionRow => ({
  key: nextKey++,
  at: a.at ?? '',
  text: a.text ?? '',
  by: a.by ?? '',
});

/** The notes the form holds, with empty fields left out (what is left out is drafted). */
function notesFrom(form: {
  author: string;
  signOffName: string;
  signOffRole: string;
  signOffDate: string;
  actions: ActionRow[];
  rootCause: Record<RootCauseField, string>;
  rootCauseEdited: Record<RootCauseField, boolean>;
  dismissed: string[];
  edited: Record<string, string>;
  added: string[];
}): ReviewNotes {
  const notes: ReviewNotes = {};
  const text = (value: string): string | undefined => (value.trim() === '' ? undefined : value.trim());
  const author = text(form.author);
  if (author !== undefined) notes.author = author;
  const signOff = {
    ...(text(form.signOffName) === undefined ? {} : { name: text(form.signOffName) }),
    ...(text(form.signOffRole) === undefined ? {} : { role: text(form.signOffRole) }),
    ...(text(form.signOffDate) === undefined ? {} : { date: text(form.signOffDate) }),
  };
  if (Object.keys(signOff).length > 0) notes.signOff = signOff;
  const actions = form.actions
    .filter((a) => a.at.trim() !== '' || a.text.trim() !== '' || a.by.trim() !== '')
    .map((a) => ({
      text: a.text.trim(),
      ...(text(a.at) === undefined ? {} : { at: text(a.at) }),
      ...(text(a.by) === undefined ? {} : { by: text(a.by) }),
    }));
  if (actions.length > 0) notes.actions = actions;
  const rootCause: NonNullable<ReviewNotes['rootCause']> = {};
  for (const { field } of ROOT_CAUSE_FIELDS) {
    if (form.rootCauseEdited[field]) rootCause[field] = form.rootCause[field];
  }
  if (Object.keys(rootCause).length > 0) notes.rootCause = rootCause;
  if (form.dismissed.length > 0) notes.dismissedRecommendations = form.dismissed;
  // A reworded recommendation left empty goes back to the generated text.
  const edited = Object.fromEntries(
    Object.entries(form.edited)
      .map(([id, value]) => [id, value.trim()] as const)
      .filter(([id, value]) => value !== '' && !form.dismissed.includes(id)),
  );
  if (Object.keys(edited).length > 0) notes.editedRecommendations = edited;
  const added = form.added.map((a) => a.trim()).filter((a) => a !== '');
  if (added.length > 0) notes.addedRecommendations = added;
  return notes;
}

function NotesForm({
  api,
  rolloutId,
  notes,
  doc,
  canWrite,
  onSaved,
}: {
  api: CoalmineApi;
  rolloutId: string;
  notes: ReviewNotes;
  doc: ReviewDocument;
  canWrite: boolean;
  onSaved: () => void;
}) {
  const [author, setAuthor] = useState(notes.author ?? '');
  const [signOffName, setSignOffName] = useState(notes.signOff?.name ?? '');
  const [signOffRole, setSignOffRole] = useState(notes.signOff?.role ?? '');
  const [signOffDate, setSignOffDate] = useState(notes.signOff?.date ?? '');
  const [actions, setActions] = useState<ActionRow[]>(() => (notes.actions ?? []).map(actionRow));
  const [rootCause, setRootCause] = useState<Record<RootCauseField, string>>({
    whatOccurred: doc.rootCause.whatOccurred,
    why: doc.rootCause.why,
    prevention: doc.rootCause.prevention,
  });
  // A field is the analyst's once saved or typed in; until then it is the draft from the findings.
  const [rootCauseEdited, setRootCauseEdited] = useState<Record<RootCauseField, boolean>>({
    whatOccurred: notes.rootCause?.whatOccurred !== undefined,
    why: notes.rootCause?.why !== undefined,
    prevention: notes.rootCause?.prevention !== undefined,
  });
  const [dismissed, setDismissed] = useState<string[]>(notes.dismissedRecommendations ?? []);
  const [edited, setEdited] = useState<Record<string, string>>(notes.editedRecommendations ?? {});
  const [rewording, setRewording] = useState<string | null>(null);
  const [added, setAdded] = useState<string[]>(notes.addedRecommendations ?? []);
  const [newRecommendation, setNewRecommendation] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const generated = doc.recommendations.filter((r) => r.origin === 'rule' && !dismissed.includes(r.id));
  const foundInLogs = doc.actions.filter((a) => a.origin === 'logs');

  const updateAction = (key: number, change: Partial<ActionRow>): void =>
    setActions((rows) => rows.map((row) => (row.key === key ? { ...row, ...change } : row)));

  const save = (event: FormEvent): void => {
    event.preventDefault();
    setError(null);
    setSaving(true);
    const saved = notesFrom({
      author,
      signOffName,
      signOffRole,
      signOffDate,
      actions,
      rootCause,
      rootCauseEdited,
      dismissed,
      edited,
      added,
    });
    api['review.notes.save']({ rolloutId, notes: saved }).then(
      () => {
        setSaving(false);
        onSaved();
      },
      (e: unknown) => {
        setSaving(false);
        setError(e instanceof Error ? e.message : String(e));
      },
    );
  };

  return (
    <form onSubmit={save} aria-label="Review notes">
      <fieldset className="notes-people">
        <legend>Author and sign-off</legend>
        <label>
          Author <input value={author} onChange={(e) => setAuthor(e.target.value)} data-testid="notes-author" />
        </label>
        <label>
          Signed off by{' '}
          <input
            value={signOffName}
            onChange={(e) => setSignOffName(e.target.value)}
            data-testid="notes-signoff-name"
          />
        </label>
        <label>
          Role{' '}
          <input
            value={signOffRole}
            onChange={(e) => setSignOffRole(e.target.value)}
            data-testid="notes-signoff-role"
          />
        </label>
        <label>
          Sign-off date (DD/MM/YYYY){' '}
          <input
            value={signOffDate}
            onChange={(e) => setSignOffDate(e.target.value)}
            placeholder="DD/MM/YYYY"
            inputMode="numeric"
            data-testid="notes-signoff-date"
          />
        </label>
      </fieldset>

      <fieldset>
        <legend>Actions taken</legend>
        {foundInLogs.length > 0 && (
          <>
            <p className="muted">Found in the logs (kept in the review as they are):</p>
            <ul className="found-actions">
              {foundInLogs.map((a, i) => (
                <li key={i} data-testid="logged-action">
                  {a.at?.uk ?? ''} {a.text}
                </li>
              ))}
            </ul>
          </>
        )}
        <ol className="note-actions">
          {actions.map((row, i) => (
            <li key={row.key} data-testid="note-action">
              <label>
                Time (DD/MM/YYYY HH:mm:ss, GMT/BST when the clock changes){' '}
                <input
                  value={row.at}
                  onChange={(e) => updateAction(row.key, { at: e.target.value })}
                  placeholder="DD/MM/YYYY HH:mm:ss"
                  aria-label={`Action ${i + 1} time`}
                  data-testid="note-action-at"
                />
              </label>
              <label>
                What was done{' '}
                <input
                  value={row.text}
                  onChange={(e) => updateAction(row.key, { text: e.target.value })}
                  aria-label={`Action ${i + 1} text`}
                  data-testid="note-action-text"
                />
              </label>
              <label>
                By{' '}
                <input
                  value={row.by}
                  onChange={(e) => updateAction(row.key, { by: e.target.value })}
                  aria-label={`Action ${i + 1} by`}
                  data-testid="note-action-by"
                />
              </label>
              <button
                type="button"
                onClick={() => setActions((rows) => rows.filter((r) => r.key !== row.key))}
                aria-label={`Remove action ${i + 1}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ol>
        <button
          type="button"
          onClick={() => setActions((rows) => [...rows, actionRow()])}
          data-testid="notes-add-action"
        >
          Add an action
        </button>
      </fieldset>

      <fieldset>
        <legend>Root cause</legend>
        {ROOT_CAUSE_FIELDS.map(({ field, label }) => (
          <label key={field} className="root-cause">
            <span>
              {label}
              {!rootCauseEdited[field] && (
                <span className="draft" data-testid={`root-cause-${field}-draft`}>
                  {' '}
                  draft
                </span>
              )}
            </span>
            <textarea
              value={rootCause[field]}
              rows={5}
              onChange={(e) => {
                setRootCause((rc) => ({ ...rc, [field]: e.target.value }));
                setRootCauseEdited((ed) => ({ ...ed, [field]: true }));
              }}
              data-testid={`root-cause-${field}`}
            />
          </label>
        ))}
      </fieldset>

      <fieldset>
        <legend>Recommendations</legend>
        <ul className="recommendations">
          {generated.map((r) => (
            <li key={r.id} data-testid="recommendation" data-id={r.id}>
              {rewording === r.id ? (
                <label>
                  Reworded recommendation{' '}
                  <textarea
                    value={edited[r.id] ?? r.text}
                    rows={2}
                    onChange={(e) => setEdited((all) => ({ ...all, [r.id]: e.target.value }))}
                    data-testid="recommendation-reword-text"
                  />
                </label>
              ) : (
                <span className="text">{edited[r.id] ?? r.text}</span>
              )}{' '}
              <span className="muted because">({r.because})</span>{' '}
              <button
                type="button"
                onClick={() => setRewording(rewording === r.id ? null : r.id)}
                aria-label={`${rewording === r.id ? 'Done rewording' : 'Reword'}: ${r.id}`}
              >
                {rewording === r.id ? 'Done' : 'Reword'}
              </button>{' '}
              <button type="button" onClick={() => setDismissed((d) => [...d, r.id])} aria-label={`Dismiss: ${r.id}`}>
                Dismiss
              </button>
            </li>
          ))}
          {added.map((text, i) => (
            <li key={`added-${i}`} data-testid="recommendation" data-id={`analyst-${i + 1}`}>
              <label>
                Your recommendation {i + 1}{' '}
                <input
                  value={text}
                  onChange={(e) => setAdded((all) => all.map((a, j) => (j === i ? e.target.value : a)))}
                />
              </label>{' '}
              <button
                type="button"
                onClick={() => setAdded((all) => all.filter((_, j) => j !== i))}
                aria-label={`Remove your recommendation ${i + 1}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
        {dismissed.length > 0 && (
          <p className="muted" data-testid="dismissed-recommendations">
            Dismissed:{' '}
            {dismissed.map((id) => (
              <span key={id} className="dismissed">
                <code>{id}</code>{' '}
                <button
                  type="button"
                  onClick={() => setDismissed((d) => d.filter((x) => x !== id))}
                  aria-label={`Restore: ${id}`}
                >
                  Restore
                </button>{' '}
              </span>
            ))}
          </p>
        )}
        <label>
          New recommendation{' '}
          <input
            value={newRecommendation}
            onChange={(e) => setNewRecommendation(e.target.value)}
            data-testid="recommendation-new"
          />
        </label>{' '}
        <button
          type="button"
          disabled={newRecommendation.trim() === ''}
          onClick={() => {
            setAdded((all) => [...all, newRecommendation.trim()]);
            setNewRecommendation('');
          }}
          data-testid="recommendation-add"
        >
          Add
        </button>
      </fieldset>

      <div className="notes-save">
        <button type="submit" disabled={!canWrite || saving} data-testid="notes-save">
          {saving ? 'Saving…' : 'Save notes'}
        </button>
        {!canWrite && (
          <span className="muted" data-testid="notes-read-only">
            This case is open read-only: notes cannot be saved.
          </span>
        )}
        {error !== null && (
          <p className="error" role="alert" data-testid="notes-error">
            {error}
          </p>
        )}
      </div>
    </form>
  );
}

/** The analyst's part of the review: author, sign-off, actions, root cause, recommendations. */
export function ReviewNotesPanel({
  api,
  rolloutId,
  canWrite,
}: {
  api: CoalmineApi;
  rolloutId: string;
  canWrite: boolean;
}) {
  const [generation, setGeneration] = useState(0);
  const [saved, setSaved] = useState(false);
  const state = useAsync(
    useCallback(
      () =>
        // The drafts are taken from the pseudonymised document, so what the analyst keeps of
        // them holds no personal data.
        Promise.all([
          api['review.notes.get']({ rolloutId }),
          api['review.document']({ rolloutId, pseudonymise: true }),
        ]).then(([notes, doc]) => ({ notes, doc, generation })),
      [api, rolloutId, generation],
    ),
  );
  return (
    <section className="review-notes" data-testid="review-notes" aria-labelledby="review-notes-title">
      <h2 id="review-notes-title">Review notes</h2>
      {state.status === 'loading' && <p className="muted">Reading the review…</p>}
      {state.status === 'failed' && (
        <p className="error" role="alert" data-testid="review-notes-error">
          {state.message}
        </p>
      )}
      {state.status === 'done' && (
        <>
          {saved && (
            <p className="muted" role="status" data-testid="notes-saved">
              Saved in the case: the next export shows them.
            </p>
          )}
          <NotesForm
            key={`${rolloutId} ${state.value.generation}`}
            api={api}
            rolloutId={rolloutId}
            notes={state.value.notes}
            doc={state.value.doc}
            canWrite={canWrite}
            onSaved={() => {
              setSaved(true);
              setGeneration((g) => g + 1);
            }}
          />
        </>
      )}
    </section>
  );
}
