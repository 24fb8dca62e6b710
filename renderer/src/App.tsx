import { useCallback, useState } from 'react';
import type { CoalmineApi } from '../../shared/api';
import { formatCount } from '../../shared/metricFormat';
import { useAsync } from './useAsync';
import { ComparisonView } from './views/ComparisonView';
import { ImportPanel } from './views/ImportPanel';
import { PullPanel } from './views/PullPanel';
import { RolloutList } from './views/RolloutList';
import { SettingsPanel } from './views/SettingsPanel';
import { TaggingRulesPanel } from './views/TaggingRulesPanel';

export function App({ api }: { api: CoalmineApi }) {
  // Bumped when another case is opened, so everything shown is read again.
  const [generation, setGeneration] = useState(0);
  // Bumped when another case is opened only: the editors start again from that case's values.
  const [opened, setOpened] = useState(0);
  const info = useAsync(useCallback(() => api['case.info']({}).then((v) => ({ ...v, generation })), [api, generation]));
  const rollouts = useAsync(
    useCallback(() => api['rollout.list']({}).then((v) => ({ list: v, generation })), [api, generation]),
  );
  const [chosen, setChosen] = useState<string | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);
  const refresh = useCallback(() => setGeneration((g) => g + 1), []);

  // Whether the case is read-only, kept while case.info is read again after a refresh, so the
  // editors stay mounted (with what is being edited and the last re-tag's report).
  const [readOnly, setReadOnly] = useState<boolean | null>(null);
  if (info.status === 'done' && info.value.readOnly !== readOnly) setReadOnly(info.value.readOnly);

  const list = rollouts.status === 'done' ? rollouts.value.list : [];
  const selected = chosen !== null && list.some((r) => r.id === chosen) ? chosen : (list[0]?.id ?? null);
  const failure = info.status === 'failed' ? info.message : rollouts.status === 'failed' ? rollouts.message : null;

  const openCase = (readOnly: boolean): void => {
    setOpenError(null);
    api['case.open']({ readOnly }).then(
      (opened) => {
        if (opened === null) return;
        setChosen(null);
        setGeneration((g) => g + 1);
        setOpened((o) => o + 1);
      },
      (error: unknown) => setOpenError(error instanceof Error ? error.message : String(error)),
    );
  };

  return (
    <div className="app" data-testid="app">
      <header className="topbar">
        <span className="brand">Coalmine</span>
        {info.status === 'done' && (
          <span className="case" data-testid="case-name" title={info.value.path}>
            {info.value.name} · {formatCount(info.value.events)} events · {info.value.sources.length} sources
            {info.value.readOnly ? ' · read-only' : ''}
          </span>
        )}
        {info.status === 'done' && info.value.canOpenOther && (
          <span className="actions">
            <button type="button" data-testid="open-case" onClick={() => openCase(false)}>
              Open case…
            </button>
            <button type="button" data-testid="open-case-read-only" onClick={() => openCase(true)}>
              Open read-only…
            </button>
          </span>
        )}
      </header>
      {openError !== null && (
        <p className="error" role="alert" data-testid="open-error">
          {openError}
        </p>
      )}
      {failure !== null ? (
        <p className="error" role="alert" data-testid="app-error" data-ready="true">
          {failure}
        </p>
      ) : (
        <div className="workspace">
          <RolloutList
            state={rollouts.status === 'done' ? { status: 'done', value: list } : rollouts}
            selected={selected}
            onSelect={setChosen}
          />
          <main className="content">
            {/* Always mounted, so a refresh of the case after an import keeps the import's report. */}
            <ImportPanel
              key={`import-${opened}`}
              api={api}
              enabled={info.status === 'done' ? info.value.canImport : null}
              onImported={refresh}
            />
            <PullPanel api={api} enabled={info.status === 'done' ? !info.value.readOnly : null} onPulled={refresh} />
            {readOnly !== null && (
              <>
                <TaggingRulesPanel
                  key={`tagging-${opened}`}
                  api={api}
                  canWrite={!readOnly}
                  generation={generation}
                  onRetagged={refresh}
                />
                <SettingsPanel key={`settings-${opened}`} api={api} canWrite={!readOnly} onSaved={refresh} />
              </>
            )}
            {rollouts.status === 'done' && selected === null && (
              <p className="empty" data-testid="no-rollouts" data-ready="true">
                This case holds no rollout yet: no event is on the canary track.
              </p>
            )}
            {selected !== null && (
              <ComparisonView
                key={generation}
                api={api}
                rolloutId={selected}
                canWrite={info.status === 'done' && !info.value.readOnly}
                onRolloutChanged={() => setGeneration((g) => g + 1)}
              />
            )}
          </main>
        </div>
      )}
    </div>
  );
}
