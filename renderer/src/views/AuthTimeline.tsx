import type { Analysis } from '../../../shared/api';
import { formatCount } from '../../../shared/metricFormat';
import { formatUkWithZone } from '../../../shared/ukTime';

const WIDTH = 640;
const HALF = 56;
const PAD = 4;

/**
 * Authentication failures per bucket over the rollout's window: the canary's above the axis,
 * stable's below it, on one scale, so a burst on one track stands out against the other. Each
 * bar names its bucket and counts on hover. Counts, not rates: the table above gives the rates.
 */
export function AuthTimeline({ analysis }: { analysis: Analysis }) {
  const { series } = analysis.authFailures;
  const { fromMs, toMs } = analysis.rollout;
  const bucketMs = analysis.settings.bucketMinutes * 60_000;
  if (series.length === 0 || toMs <= fromMs) return null;
  const peak = Math.max(1, ...series.map((p) => Math.max(p.canary, p.stable)));
  const span = Math.max(toMs - fromMs, bucketMs);
  const x = (ms: number): number => PAD + ((ms - fromMs) / span) * (WIDTH - 2 * PAD);
  const barWidth = Math.max(1.5, (bucketMs / span) * (WIDTH - 2 * PAD) - 0.5);
  const height = (n: number): number => (n / peak) * (HALF - PAD);
  return (
    <figure className="timeline" data-testid="auth-timeline">
      <svg
        viewBox={`0 0 ${WIDTH} ${2 * HALF}`}
        width={WIDTH}
        height={2 * HALF}
        role="img"
        aria-label={`Authentication failures per ${analysis.settings.bucketMinutes}-minute bucket, canary above, stable below; the highest bucket holds ${formatCount(peak)}`}
      >
        <line x1={0} x2={WIDTH} y1={HALF} y2={HALF} className="axis" />
        {series.map((p) => {
          const left = x(Date.parse(p.start));
          const label = `${p.startUk}: canary ${formatCount(p.canary)}, stable ${formatCount(p.stable)}`;
          return (
            <g key={p.start} data-testid="auth-bucket">
              <title>{label}</title>
              {p.canary > 0 && (
                <rect
                  className="canary"
                  x={left}
                  y={HALF - height(p.canary)}
                  width={barWidth}
                  height={height(p.canary)}
                />
              )}
              {p.stable > 0 && <rect className="stable" x={left} y={HALF} width={barWidth} height={height(p.stable)} />}
            </g>
          );
        })}
      </svg>
      <figcaption className="muted">
        Authentication failures per {analysis.settings.bucketMinutes}-minute bucket, canary above the line and stable
        below (highest bucket: {formatCount(peak)}), from {formatUkWithZone(fromMs)} to {formatUkWithZone(toMs)}.
      </figcaption>
    </figure>
  );
}
