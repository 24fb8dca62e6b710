import { useCallback, useState } from 'react';
import type { CoalmineApi } from '../../shared/api';
import { formatCount } from '../../shared/metricFormat';
import { useAsync } from './useAsync';
import { ComparisonView } from './views/ComparisonView';
import { RolloutList } from './views/RolloutList';

export function App({ api }: { api: CoalmineApi }) {
  const info = useAsync(useCallback(() => api['case.info']({}), [api]));
  const rollouts = useAsync(useCallback(() => api['rollout.list']({}), [api]));
  const [chosen, setChosen] = useState<string | null>(null);

  const list = rollouts.status === 'done' ? rollouts.value : [];
  const selected = chosen ?? list[0]?.id ?? null;
  const failure = info.status === 'failed' ? info.message : rollouts.status === 'failed' ? rollouts.message : null;

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
      </header>
      {failure !== null ? (
        <p className="error" role="alert" data-testid="app-error" data-ready="true">
          {failure}
        </p>
      ) : (
        <div className="workspace">
          <RolloutList state={rollouts} selected={selected} onSelect={setChosen} />
          <main className="content">
            {rollouts.status === 'done' && selected === null && (
              <p className="empty" data-testid="no-rollouts" data-ready="true">
                This case holds no rollout yet: no event is on the canary track.
              </p>
            )}
            {selected !== null && <ComparisonView api={api} rolloutId={selected} />}
          </main>
        </div>
      )}
    </div>
  );
}
