import { type FormEvent, useCallback, useState } from 'react';
import type { CoalmineApi, SettingsResult } from '../../../shared/api';
import {
  ANALYSIS_SETTING_UNITS,
  NUMERIC_SETTING_KEYS,
  type NumericSettingKey,
  SETTING_UNIT_LABELS,
  formatSettingValue,
} from '../../../shared/analysisSettingUnits';
import { ANALYSIS_SETTING_HELP, type AnalysisSettings, analysisSettingsShape } from '../../../shared/analysisSettings';
import { useAsync } from '../useAsync';
import { errorText } from '../usePolledJob';

// The judge's settings saved with the case (settings.get / settings.update / settings.reset):
// each with its meaning, unit and default, whether the case saved its own value, a reset that
// deletes that value (as `coalmine settings --reset`), and one Save. Checked here with
// the contract's own schema, so a wrong value is named beside its field before anything is sent.

type Texts = Record<NumericSettingKey, string>;

const textsOf = (settings: AnalysisSettings): Texts =>
  Object.fromEntries(NUMERIC_SETTING_KEYS.map((key) => [key, String(settings[key])])) as Texts;

/** The number typed, checked as the contract checks it: the value, or what is wrong. */
function checked(key: NumericSettingKey, text: string): { value: number } | { error: string } {
  if (text.trim() === '') return { error: 'give a value' };
  const value = Number(text.trim());
  if (!Number.isFinite(value)) return { error: 'not a number' };
  const result = analysisSettingsShape[key].safeParse(value);
  return result.success ? { value } : { error: result.error.issues[0]?.message ?? 'not valid' };
}

/** What the last save or reset did, for the form's one polite live region. */
type Outcome = { kind: 'saved' | 'reset'; text: string } | { kind: 'failed'; text: string } | null;

function SettingsForm({
  api,
  loaded,
  canWrite,
  onJudgeAgain,
}: {
  api: CoalmineApi;
  loaded: SettingsResult;
  canWrite: boolean;
  /** The case's settings changed: the page judges the rollout again. */
  onJudgeAgain: () => void;
}) {
  // What the case holds now: replaced by each save and reset, which answer with it.
  const [held, setHeld] = useState<SettingsResult>(loaded);
  const [texts, setTexts] = useState<Texts>(() => textsOf(loaded.settings));
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [saving, setSaving] = useState(false);
  const checks = Object.fromEntries(NUMERIC_SETTING_KEYS.map((key) => [key, checked(key, texts[key])])) as Record<
    NumericSettingKey,
    ReturnType<typeof checked>
  >;
  const changes: Partial<AnalysisSettings> = {};
  for (const key of NUMERIC_SETTING_KEYS) {
    const c = checks[key];
    if ('value' in c && c.value !== held.settings[key]) changes[key] = c.value;
  }
  const invalid = NUMERIC_SETTING_KEYS.some((key) => 'error' in checks[key]);
  const dirty = Object.keys(changes).length > 0;
  const saved = new Set<string>(held.saved);
  const savedNumeric = NUMERIC_SETTING_KEYS.filter((key) => saved.has(key)).length;

  const edit = (key: NumericSettingKey, text: string): void => {
    setOutcome(null);
    setTexts({ ...texts, [key]: text });
  };

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!canWrite || invalid || !dirty || saving) return;
    setOutcome(null);
    setSaving(true);
    api['settings.update']({ changes }).then(
      (result) => {
        setSaving(false);
        setHeld(result);
        setTexts(textsOf(result.settings));
        setOutcome({ kind: 'saved', text: 'Saved; the verdict below is judged with these settings.' });
        onJudgeAgain();
      },
      (e: unknown) => {
        setSaving(false);
        setOutcome({ kind: 'failed', text: errorText(e) });
      },
    );
  };

  /** Deletes the key's saved value (settings.reset), as `coalmine settings --reset`: the case then uses the default. */
  const reset = (key: NumericSettingKey): void => {
    setOutcome(null);
    setSaving(true);
    api['settings.reset']({ keys: [key] }).then(
      (result) => {
        setSaving(false);
        setHeld(result);
        // Other fields keep what is being typed in them.
        setTexts((current) => ({ ...current, [key]: String(result.settings[key]) }));
        const unit = ANALYSIS_SETTING_UNITS[key];
        setOutcome({
          kind: 'reset',
          text: `${key} uses its default again, ${formatSettingValue(unit, result.defaults[key])}; the verdict below is judged with it.`,
        });
        onJudgeAgain();
      },
      (e: unknown) => {
        setSaving(false);
        setOutcome({ kind: 'failed', text: errorText(e) });
      },
    );
  };

  return (
    <form onSubmit={submit} className="settings-form" data-testid="settings-form" aria-label="Judge settings">
      <p className="muted" data-testid="settings-source">
        {savedNumeric === 0
          ? 'This case uses the default of every setting.'
          : `This case saved its own value of ${savedNumeric} ${savedNumeric === 1 ? 'setting' : 'settings'}; the others use their defaults.`}
      </p>
      <table className="comparison settings-table">
        <thead>
          <tr>
            <th scope="col">Setting</th>
            <th scope="col">Value</th>
            <th scope="col">Unit</th>
            <th scope="col">Default</th>
            {canWrite && <th scope="col">Reset</th>}
          </tr>
        </thead>
        <tbody>
          {NUMERIC_SETTING_KEYS.map((key) => {
            const unit = ANALYSIS_SETTING_UNITS[key];
            const check = checks[key];
            const inputId = `setting-${key}`;
            const helpId = `${inputId}-help`;
            const errorId = `${inputId}-error`;
            const ownValue = saved.has(key);
            return (
              <tr key={key} data-testid="setting" data-key={key} data-saved={ownValue}>
                <th scope="row">
                  <label htmlFor={inputId}>
                    <code>{key}</code>
                  </label>
                  <span className="setting-help" id={helpId}>
                    {ANALYSIS_SETTING_HELP[key]}
                  </span>
                </th>
                <td>
                  <input
                    id={inputId}
                    data-testid={`setting-input-${key}`}
                    inputMode="decimal"
                    value={texts[key]}
                    readOnly={!canWrite}
                    aria-invalid={'error' in check}
                    aria-describedby={'error' in check ? `${errorId} ${helpId}` : helpId}
                    onChange={(e) => edit(key, e.target.value)}
                  />
                  {'error' in check && (
                    <span className="field-error" id={errorId} data-testid="setting-error">
                      {check.error}
                    </span>
                  )}
                  {'value' in check && unit === 'fraction' && (
                    <span className="muted"> {formatSettingValue(unit, check.value)}</span>
                  )}
                  {!ownValue && (
                    <span className="muted setting-origin" data-testid="setting-default">
                      {' '}
                      (the default)
                    </span>
                  )}
                </td>
                <td>{SETTING_UNIT_LABELS[unit]}</td>
                <td>{formatSettingValue(unit, held.defaults[key])}</td>
                {canWrite && (
                  <td>
                    <button
                      type="button"
                      disabled={!ownValue || saving}
                      aria-label={`Reset ${key} to its default, ${formatSettingValue(unit, held.defaults[key])}`}
                      data-testid={`setting-reset-${key}`}
                      onClick={() => reset(key)}
                    >
                      Reset
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted">
        Business measures:{' '}
        {held.settings.businessMeasures.length === 0 ? 'none' : held.settings.businessMeasures.length} (edited with{' '}
        <code>coalmine measures</code>).
      </p>
      {canWrite ? (
        <span className="actions">
          <button type="submit" data-testid="settings-save" disabled={invalid || !dirty || saving}>
            {saving ? 'Saving…' : 'Save and judge again'}
          </button>
          <button
            type="button"
            data-testid="settings-undo"
            disabled={!dirty && !invalid}
            onClick={() => {
              setOutcome(null);
              setTexts(textsOf(held.settings));
            }}
          >
            Undo changes
          </button>
        </span>
      ) : (
        <p className="muted">This case is open read-only: its settings are shown, not changed.</p>
      )}
      {/* One polite live region for what a save or a reset did: field errors are not announced at each keystroke. */}
      <p
        role="status"
        aria-live="polite"
        data-testid="settings-outcome"
        className={outcome?.kind === 'failed' ? 'error' : undefined}
      >
        {outcome !== null && (
          <span data-testid={outcome.kind === 'failed' ? 'settings-save-error' : 'settings-saved'}>{outcome.text}</span>
        )}
      </p>
    </form>
  );
}

/** The judge's settings of the open case; `onSaved` lets the page judge the rollout again. */
export function SettingsPanel({
  api,
  canWrite,
  onSaved,
}: {
  api: CoalmineApi;
  canWrite: boolean;
  onSaved: () => void;
}) {
  const state = useAsync(useCallback(() => api['settings.get']({}), [api]));
  return (
    <details className="editor-panel" data-testid="settings-panel">
      <summary>Judge settings (thresholds of the verdict)</summary>
      {state.status === 'loading' && <p className="muted">Reading the settings…</p>}
      {state.status === 'failed' && (
        <p className="error" role="alert" data-testid="settings-error">
          {state.message}
        </p>
      )}
      {state.status === 'done' && (
        <SettingsForm api={api} loaded={state.value} canWrite={canWrite} onJudgeAgain={onSaved} />
      )}
    </details>
  );
}
