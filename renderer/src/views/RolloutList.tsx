import type { Rollout } from '../../../shared/api';
import type { AsyncState } from '../useAsync';

interface Props {
  state: AsyncState<Rollout[]>;
  selected: string | null;
  onSelect: (id: string) => void;
}

export function RolloutList({ state, selected, onSelect }: Props) {
  return (
    <nav className="sidebar" aria-label="Rollouts">
      <h2>Rollouts</h2>
      {state.status === 'loading' && <p className="muted">Loading…</p>}
      {state.status === 'done' && (
        <ul data-testid="rollout-list">
          {state.value.map((r) => (
            <li key={r.id}>
              <button
                type="button"
                className={r.id === selected ? 'rollout selected' : 'rollout'}
                aria-current={r.id === selected ? 'true' : undefined}
                data-testid="rollout-item"
                onClick={() => onSelect(r.id)}
              >
                <span className="rollout-service">
                  {r.service || 'unnamed service'}
                  {r.environment !== null && (
                    <span className="rollout-environment" data-testid="rollout-environment">
                      {' '}
                      in {r.environment}
                    </span>
                  )}
                </span>
                <span className="rollout-versions">
                  {r.stableVersion ?? '?'} → {r.canaryVersion || 'unversioned'}
                </span>
                <span className="rollout-window">
                  from {r.fromUk}
                  {r.origin === 'defined' ? ' (defined)' : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}
