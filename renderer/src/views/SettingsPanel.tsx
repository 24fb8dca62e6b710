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

// The judge's settings saved with the case (settings.get / settings.update): each with its
// meaning, unit and default, a reset to the default per field, and one Save. Checked here with
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

function SettingsForm({
  api,
  loaded,
  canWrite,
  justSaved,
  onEdit,
  onSaved,
}: {
  api: CoalmineApi;
  loaded: SettingsResult;
  canWrite: boolean;
  /** Say that the values shown were just saved (until the next edit). */
  justSaved: boolean;
  onEdit: () => void;
  onSaved: () => void;
}) {
  const [texts, setTexts] = useState<Texts>(() => textsOf(loaded.settings));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const checks = Object.fromEntries(NUMERIC_SETTING_KEYS.map((key) => [key, checked(key, texts[key])])) as Record<
    NumericSettingKey,
    ReturnType<typeof checked>
  >;
  const changes: Partial<AnalysisSettings> = {};
  for (const key of NUMERIC_SETTING_KEYS) {
    const c = checks[key];
    if ('value' in c && c.value !== loaded.settings[key]) changes[key] = c.value;
  }
  const invalid = NUMERIC_SETTING_KEYS.some((key) => 'error' in checks[key]);
  const dirty = Object.keys(changes).length > 0;

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!canWrite || invalid || !dirty) return;
    setError(null);
    setSaving(true);
    api['settings.update']({ changes }).then(
      () => {
        setSaving(false);
        onSaved();
      },
      (e: unknown) => {
        setSaving(false);
        setError(errorText(e));
      },
    );
  };

  return (
    <form onSubmit={submit} className="settings-form" data-testid="settings-form">
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
            const errorId = `${inputId}-error`;
            const isDefault = 'value' in check && check.value === loaded.defaults[key];
            return (
              <tr key={key} data-testid="setting" data-key={key}>
                <th scope="row">
                  <label htmlFor={inputId}>
                    <code>{key}</code>
                    <span className="setting-help">{ANALYSIS_SETTING_HELP[key]}</span>
                  </label>
                </th>
                <td>
                  <input
                    id={inputId}
                    data-testid={`setting-input-${key}`}
                    inputMode="decimal"
                    value={texts[key]}
                    readOnly={!canWrite}
                    aria-invalid={'error' in check}
                    aria-describedby={'error' in check ? errorId : undefined}
                    onChange={(e) => {
                      onEdit();
                      setTexts({ ...texts, [key]: e.target.value });
                    }}
                  />
                  {'error' in check && (
                    <span className="field-error" id={errorId} data-testid="setting-error" role="alert">
                      {check.error}
                    </span>
                  )}
                  {'value' in check && unit === 'fraction' && (
                    <span className="muted"> {formatSettingValue(unit, check.value)}</span>
                  )}
                </td>
                <td>{SETTING_UNIT_LABELS[unit]}</td>
                <td>{formatSettingValue(unit, loaded.defaults[key])}</td>
                {canWrite && (
                  <td>
                    <button
                      type="button"
                      disabled={isDefault}
                      aria-label={`Reset ${key} to its default, ${formatSettingValue(unit, loaded.defaults[key])}`}
                      data-testid={`setting-reset-${key}`}
                      onClick={() => {
                        onEdit();
                        setTexts({ ...texts, [key]: String(loaded.defaults[key]) });
                      }}
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
        {loaded.settings.businessMeasures.length === 0 ? 'none' : loaded.settings.businessMeasures.length} (edited with{' '}
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
            onClick={() => setTexts(textsOf(loaded.settings))}
          >
            Undo changes
          </button>
          {justSaved && !dirty && (
            <span role="status" data-testid="settings-saved">
              Saved; the verdict below is judged with these settings.
            </span>
          )}
        </span>
      ) : (
        <p className="muted">This case is open read-only: its settings are shown, not changed.</p>
      )}
      {error !== null && (
        <p className="error" role="alert" data-testid="settings-save-error">
          {error}
        </p>
      )}
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
  // Bumped after a save: the form is built again from what the case now holds.
  const [version, setVersion] = useState(0);
  const [justSaved, setJustSaved] = useState(false);
  const state = useAsync(useCallback(() => api['settings.get']({}).then((v) => ({ v, version })), [api, version]));
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
        <SettingsForm
          key={state.value.version}
          api={api}
          loaded={state.value.v}
          canWrite={canWrite}
          justSaved={justSaved}
          onEdit={() => setJustSaved(false)}
          onSaved={() => {
            setJustSaved(true);
            setVersion((v) => v + 1);
            onSaved();
          }}
        />
      )}
    </details>
  );
}
