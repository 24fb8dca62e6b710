import { type FormEvent, useCallback, useMemo, useState } from 'react';
import type { Analysis, CoalmineApi, ComparisonRow, Decision, Rollout } from '../../../shared/api';
import {
  formatComparisonCell,
  formatCount,
  formatInterval,
  formatMetricValue,
  formatPValue,
  formatRateWithCounts,
  formatVariance,
} from '../../../shared/metricFormat';
import { formatDuration, formatUkWithZone } from '../../../shared/ukTime';
import { desktopEvents } from '../api/client';
import { useAsync } from '../useAsync';
import { AffectedView } from './AffectedView';
import { AuthTimeline } from './AuthTimeline';
import { ExportMenu } from './ExportMenu';
import { ReviewNotesPanel } from './ReviewNotesPanel';

// Everything shown here that came from logs (service, versions, paths, users, exception
// messages) is rendered as React text: never as HTML.

const DECISIONS: Record<Decision, string> = {
  promote: 'Promote',
  hold: 'Hold',
  rollback: 'Roll back',
  inconclusive: 'Inconclusive',
};

// Rates and latency are worse when higher; request volume is neither.
function direction(row: ComparisonRow): 'worse' | 'better' | 'same' {
  if (row.action === 'rollback' || row.action === 'hold' || row.action === 'investigate' || row.action === 'alert') {
    return 'worse';
  }
  if (row.metric === 'requests' || row.kind === 'business' || row.variance === null || Math.abs(row.variance) < 0.05) {
    return row.variance === null && row.varianceNote === 'stable is 0' ? 'worse' : 'same';
  }
  return row.variance > 0 ? 'worse' : 'better';
}

function VerdictPanel({ analysis }: { analysis: Analysis }) {
  const { verdict } = analysis;
  return (
    <section className={`verdict ${verdict.decision}`} data-testid="verdict" aria-labelledby="verdict-title">
      <h2 id="verdict-title">
        Verdict: <span data-testid="verdict-decision">{DECISIONS[verdict.decision]}</span>
      </h2>
      <p data-testid="verdict-summary">{verdict.summary}</p>
      <ul className="reasons">
        {verdict.reasons.map((r, i) => (
          <li
            key={`${r.rule}-${i}`}
            className={`reason ${r.blocks ? 'blocks' : r.outcome}`}
            data-testid="verdict-reason"
            data-rule={r.rule}
            data-outcome={r.outcome}
          >
            <span className="outcome">{r.outcome}</span> <code>{r.rule}</code> {r.text}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ComparisonTable({ analysis }: { analysis: Analysis }) {
  return (
    <table className="comparison" data-testid="comparison-table">
      <caption>Canary against stable over the rollout window</caption>
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col">Stable</th>
          <th scope="col">Canary</th>
          <th scope="col">Variance</th>
          <th scope="col">Canary 95 % CI</th>
          <th scope="col">p-value</th>
          <th scope="col">Action</th>
        </tr>
      </thead>
      <tbody>
        {analysis.comparison.map((row) => (
          <tr key={row.metric} data-testid={`metric-${row.metric}`}>
            <th scope="row">{row.label}</th>
            <td data-testid="stable">{formatComparisonCell(row, 'stable')}</td>
            <td data-testid="canary">{formatComparisonCell(row, 'canary')}</td>
            <td data-testid="variance" className={`variance ${direction(row)}`}>
              {formatVariance(row)}
            </td>
            <td data-testid="canary-ci" className="wrap">
              {formatInterval(row.unit, row.canaryCi)}
            </td>
            <td data-testid="p-value" title={row.test ?? undefined}>
              {formatPValue(row.pValue)}
            </td>
            <td data-testid="action" className={`action ${row.action}`}>
              {row.action === 'none' ? '—' : row.action}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Surges({ analysis }: { analysis: Analysis }) {
  return (
    <section data-testid="surges" aria-labelledby="surges-title">
      <h2 id="surges-title">401/403 surges</h2>
      {analysis.surges.length === 0 ? (
        <p className="muted" data-testid="no-surges">
          No 401 or 403 surge on the canary (buckets of {analysis.settings.bucketMinutes} min).
        </p>
      ) : (
        <table className="comparison surges">
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Peak</th>
              <th scope="col">Canary</th>
              <th scope="col">Stable</th>
              <th scope="col">Behind it</th>
            </tr>
          </thead>
          <tbody>
            {analysis.surges.map((s) => (
              <tr key={`${s.status}-${s.start}`} data-testid="surge">
                <th scope="row">{s.status}</th>
                <td>{s.startUk}</td>
                <td>{s.endUk}</td>
                <td>{s.peakUk}</td>
                <td>{formatRateWithCounts(s.canaryRate, s.canaryCount, s.canaryRequests)}</td>
                <td>{formatRateWithCounts(s.stableRate, s.stableCount, s.stableRequests)}</td>
                <td className="drivers">
                  {s.drivers
                    .slice(0, 6)
                    .map((d) => `${d.kind} ${d.value} (${formatCount(d.count)})`)
                    .join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Exceptions({ analysis }: { analysis: Analysis }) {
  const shown = analysis.exceptions.filter((e) => e.status !== 'stable-only');
  return (
    <section data-testid="exceptions" aria-labelledby="exceptions-title">
      <h2 id="exceptions-title">Exceptions on the canary</h2>
      {shown.length === 0 ? (
        <p className="muted">No exception on the canary.</p>
      ) : (
        <table className="comparison">
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Exception</th>
              <th scope="col">Canary</th>
              <th scope="col">Stable</th>
              <th scope="col">First seen</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e.fingerprint} data-testid="exception" data-status={e.status}>
                <th scope="row" className={`action ${e.status === 'new' || e.status === 'spike' ? 'hold' : 'none'}`}>
                  {e.status}
                </th>
                <td className="exception">
                  <div className="type">{e.type ?? 'exception'}</div>
                  <div className="template" data-testid="exception-template">
                    {e.message}
                  </div>
                  {e.example !== null && <pre className="example">{e.example}</pre>}
                  {e.topFrames.length > 0 && <div className="frames">{e.topFrames.join(' ← ')}</div>}
                </td>
                <td>{formatCount(e.canaryCount)}</td>
                <td>{formatCount(e.stableCount)}</td>
                <td>{e.firstSeenUk}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function AuthFailures({ analysis }: { analysis: Analysis }) {
  const auth = analysis.authFailures;
  const rules = Object.entries(auth.byRule);
  return (
    <section data-testid="auth-failures" aria-labelledby="auth-title">
      <h2 id="auth-title">Authentication failures</h2>
      <p data-testid="auth-summary">
        Canary {formatCount(auth.canary)} ({formatMetricValue('per1000', auth.canaryPer1000)} requests), stable{' '}
        {formatCount(auth.stable)} ({formatMetricValue('per1000', auth.stablePer1000)}), {formatPValue(auth.pValue)}.
      </p>
      <AuthTimeline analysis={analysis} />
      {rules.length > 0 && (
        <table className="comparison">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Canary</th>
              <th scope="col">Stable</th>
            </tr>
          </thead>
          <tbody>
            {rules.map(([rule, c]) => (
              <tr key={rule} data-testid="auth-rule">
                <th scope="row">{rule}</th>
                <td>
                  {formatCount(c.canary)} ({formatMetricValue('per1000', c.canaryPer1000)})
                </td>
                <td>
                  {formatCount(c.stable)} ({formatMetricValue('per1000', c.stablePer1000)})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {auth.canaryOnly.length > 0 && (
        <p data-testid="canary-only">
          Failing only on the canary:{' '}
          {auth.canaryOnly.map((x) => `${x.kind} ${x.value} (${formatCount(x.canary)})`).join(', ')}
        </p>
      )}
      {auth.topSources.length > 0 && (
        <p className="muted">
          Most failures:{' '}
          {auth.topSources
            .slice(0, 8)
            .map((x) => `${x.kind} ${x.value} (canary ${formatCount(x.canary)}, stable ${formatCount(x.stable)})`)
            .join('; ')}
        </p>
      )}
    </section>
  );
}

/** Adjust the rollout's window or stable version; saved with the case as a defined rollout. */
function AdjustRollout({ api, rollout, onSaved }: { api: CoalmineApi; rollout: Rollout; onSaved: () => void }) {
  // Shown in UK time; the exact instants (milliseconds, which of a repeated autumn hour) are
  // sent unless the user changes the text.
  const [from, setFrom] = useState(rollout.fromUk);
  const [to, setTo] = useState(rollout.toUk);
  const [stable, setStable] = useState(rollout.stableVersion ?? '');
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setError(null);
    api['rollout.define']({
      service: rollout.service,
      // The same environment, or the adjustment would define another rollout.
      ...(rollout.environment === null ? {} : { environment: rollout.environment }),
      canaryVersion: rollout.canaryVersion,
      ...(stable.trim() === '' ? {} : { stableVersion: stable.trim() }),
      from: from === rollout.fromUk ? rollout.from : from,
      to: to === rollout.toUk ? rollout.to : to,
    }).then(onSaved, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  return (
    <details className="adjust" data-testid="adjust-rollout">
      <summary>Adjust this rollout ({rollout.origin})</summary>
      <form onSubmit={submit}>
        <label>
          From (DD/MM/YYYY HH:mm:ss, Europe/London){' '}
          <input value={from} onChange={(e) => setFrom(e.target.value)} data-testid="adjust-from" />
        </label>
        <label>
          To <input value={to} onChange={(e) => setTo(e.target.value)} data-testid="adjust-to" />
        </label>
        <label>
          Stable version{' '}
          <input value={stable} onChange={(e) => setStable(e.target.value)} data-testid="adjust-stable" />
        </label>
        <button type="submit" data-testid="adjust-save">
          Save and judge again
        </button>
        {error !== null && (
          <p className="error" role="alert" data-testid="adjust-error">
            {error}
          </p>
        )}
      </form>
    </details>
  );
}

export function ComparisonView({
  api,
  rolloutId,
  canWrite = false,
  onRolloutChanged,
}: {
  api: CoalmineApi;
  rolloutId: string;
  canWrite?: boolean;
  onRolloutChanged?: () => void;
}) {
  const [generation, setGeneration] = useState(0);
  const events = useMemo(() => desktopEvents(), []);
  const state = useAsync(
    useCallback(
      () => api['rollout.analyse']({ rolloutId }).then((a) => ({ a, generation })),
      [api, rolloutId, generation],
    ),
  );
  if (state.status === 'loading') return <p className="muted">Comparing…</p>;
  if (state.status === 'failed') {
    return (
      <p className="error" role="alert" data-testid="comparison-error" data-ready="true">
        {state.message}
      </p>
    );
  }
  const analysis = state.value.a;
  const { rollout } = analysis;
  return (
    <section data-testid="comparison" data-ready="true" aria-labelledby="comparison-title">
      <h1 id="comparison-title">
        {rollout.service || 'unnamed service'}
        {rollout.environment !== null && ` in ${rollout.environment}`}: {rollout.stableVersion ?? '?'} →{' '}
        {rollout.canaryVersion || 'unversioned'}
      </h1>
      <p className="window" data-testid="rollout-window">
        {formatUkWithZone(rollout.fromMs)} to {formatUkWithZone(rollout.toMs)} (
        {formatDuration(rollout.toMs - rollout.fromMs)})
      </p>
      <ExportMenu api={api} rolloutId={rollout.id} events={events} />
      {analysis.excludedSources.length > 0 && (
        <p className="notice" role="status" data-testid="excluded-sources">
          Not counted, because their import did not finish:{' '}
          {analysis.excludedSources.map((x) => `${x.name} (${x.state})`).join(', ')}. Import them again to count them.
        </p>
      )}
      <VerdictPanel analysis={analysis} />
      <ComparisonTable analysis={analysis} />
      <p className="footnote">
        Requests are events with an HTTP status; rates are over requests, with 95 % exact (Clopper–Pearson) intervals
        and a two-sided test (Fisher&apos;s exact or two-proportion z); latency percentiles are nearest-rank, compared
        with Mann–Whitney U. Times are Europe/London.
      </p>
      <Surges analysis={analysis} />
      <Exceptions analysis={analysis} />
      <AuthFailures analysis={analysis} />
      <AffectedView affected={analysis.affected} />
      {canWrite && (
        <AdjustRollout
          key={`${rollout.from}-${rollout.to}`}
          api={api}
          rollout={rollout}
          onSaved={() => {
            setGeneration((g) => g + 1);
            onRolloutChanged?.();
          }}
        />
      )}
      <ReviewNotesPanel api={api} rolloutId={rollout.id} canWrite={canWrite} />
    </section>
  );
}
