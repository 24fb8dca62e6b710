import { useCallback } from 'react';
import type { CoalmineApi, ComparisonRow } from '../../../shared/api';
import { formatComparisonCell, formatVariance } from '../../../shared/metricFormat';
import { formatDuration, formatUkWithZone } from '../../../shared/ukTime';
import { useAsync } from '../useAsync';

// Rates and latency are worse when higher; request volume is neither.
function direction(row: ComparisonRow): 'worse' | 'better' | 'same' {
  if (row.metric === 'requests' || row.variance === null || Math.abs(row.variance) < 0.05) {
    return row.variance === null && row.varianceNote === 'stable is 0' ? 'worse' : 'same';
  }
  return row.variance > 0 ? 'worse' : 'better';
}

export function ComparisonView({ api, rolloutId }: { api: CoalmineApi; rolloutId: string }) {
  const state = useAsync(useCallback(() => api['rollout.analyse']({ rolloutId }), [api, rolloutId]));
  if (state.status === 'loading') return <p className="muted">Comparing…</p>;
  if (state.status === 'failed') {
    return (
      <p className="error" role="alert" data-testid="comparison-error" data-ready="true">
        {state.message}
      </p>
    );
  }
  const analysis = state.value;
  const { rollout } = analysis;
  return (
    <section data-testid="comparison" data-ready="true" aria-labelledby="comparison-title">
      <h1 id="comparison-title">
        {rollout.service || 'unnamed service'}: {rollout.stableVersion ?? '?'} →{' '}
        {rollout.canaryVersion || 'unversioned'}
      </h1>
      <p className="window" data-testid="rollout-window">
        {formatUkWithZone(rollout.from)} to {formatUkWithZone(rollout.to)} ({formatDuration(rollout.to - rollout.from)})
      </p>
      {analysis.excludedSources.length > 0 && (
        <p className="notice" role="status" data-testid="excluded-sources">
          Not counted, because their import did not finish:{' '}
          {analysis.excludedSources.map((x) => `${x.name} (${x.state})`).join(', ')}. Import them again to count them.
        </p>
      )}
      <table className="comparison" data-testid="comparison-table">
        <caption>Canary against stable over the rollout window</caption>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">Stable</th>
            <th scope="col">Canary</th>
            <th scope="col">Variance</th>
          </tr>
        </thead>
        <tbody>
          {analysis.comparison.map((row) => (
            <tr key={row.metric} data-testid={`metric-${row.metric}`}>
              <th scope="row">{row.label}</th>
              <td data-testid="stable">{formatComparisonCell(row, analysis, 'stable')}</td>
              <td data-testid="canary">{formatComparisonCell(row, analysis, 'canary')}</td>
              <td data-testid="variance" className={`variance ${direction(row)}`}>
                {formatVariance(row)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="footnote">
        Requests are events with an HTTP status; rates are over requests; p95 is the nearest-rank 95th percentile. Times
        are Europe/London.
      </p>
    </section>
  );
}
