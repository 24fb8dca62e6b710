// CPU and memory per track from metric samples (Metricbeat-style ECS metric documents,
// stored in `metrics` by the ingest). Values are fractions (0.42 = 42 %), as Metricbeat writes
// them. Each row compares the samples' means and tests the two distributions with
// Mann–Whitney U. Canary samples are those of the canary track whose version is the
// canary's or unnamed (metric documents often carry no service version).
import type { ComparisonRow, Rollout } from '../../../shared/api.js';
import type { CaseDb } from '../case/caseStore.js';
import { COMPLETE_SOURCES } from './cohorts.js';
import { comparisonRow } from './compare.js';
import { mannWhitneyU } from './stats.js';

/**
 * The metric names compared (those the ECS reader keeps: ingest/formats/ecsNdjson.ts), with
 * how they read. `*.pct` and host.cpu.usage are fractions shown as percentages; load averages
 * are plain values.
 */
export const RESOURCE_METRICS: Record<string, { label: string; unit: 'percent' | 'value' }> = {
  'system.cpu.total.norm.pct': { label: 'CPU (system.cpu.total.norm.pct)', unit: 'percent' },
  'system.cpu.total.pct': { label: 'CPU, all cores (system.cpu.total.pct)', unit: 'percent' },
  'host.cpu.usage': { label: 'CPU (host.cpu.usage)', unit: 'percent' },
  'process.cpu.pct': { label: 'Process CPU (process.cpu.pct)', unit: 'percent' },
  'system.process.cpu.total.norm.pct': { label: 'Process CPU (system.process.cpu.total.norm.pct)', unit: 'percent' },
  'system.process.cpu.total.pct': { label: 'Process CPU, all cores (system.process.cpu.total.pct)', unit: 'percent' },
  'kubernetes.pod.cpu.usage.node.pct': { label: 'Pod CPU (kubernetes.pod.cpu.usage.node.pct)', unit: 'percent' },
  'kubernetes.container.cpu.usage.node.pct': {
    label: 'Container CPU (kubernetes.container.cpu.usage.node.pct)',
    unit: 'percent',
  },
  'docker.cpu.total.pct': { label: 'Container CPU (docker.cpu.total.pct)', unit: 'percent' },
  'system.memory.actual.used.pct': { label: 'Memory (system.memory.actual.used.pct)', unit: 'percent' },
  'system.memory.used.pct': { label: 'Memory (system.memory.used.pct)', unit: 'percent' },
  'process.memory.pct': { label: 'Process memory (process.memory.pct)', unit: 'percent' },
  'system.process.memory.rss.pct': { label: 'Process memory (system.process.memory.rss.pct)', unit: 'percent' },
  'kubernetes.pod.memory.usage.node.pct': {
    label: 'Pod memory (kubernetes.pod.memory.usage.node.pct)',
    unit: 'percent',
  },
  'kubernetes.container.memory.usage.node.pct': {
    label: 'Container memory (kubernetes.container.memory.usage.node.pct)',
    unit: 'percent',
  },
  'docker.memory.usage.pct': { label: 'Container memory (docker.memory.usage.pct)', unit: 'percent' },
  'system.load.1': { label: 'Load average, 1 min (system.load.1)', unit: 'value' },
  'system.load.5': { label: 'Load average, 5 min (system.load.5)', unit: 'value' },
  'system.load.15': { label: 'Load average, 15 min (system.load.15)', unit: 'value' },
};

const NAMES = Object.keys(RESOURCE_METRICS);

function samples(db: CaseDb, rollout: Rollout, track: 'stable' | 'canary'): Map<string, number[]> {
  const versionTerm =
    track === 'canary'
      ? 'AND (version IS NULL OR version IS @version)'
      : rollout.origin === 'defined' && rollout.stableVersion !== null
        ? 'AND (version IS NULL OR version IS @version)'
        : '';
  const rows = db
    .prepare(
      `SELECT name, value FROM metrics
       WHERE service IS @service AND environment IS @environment AND track = @track AND name IN (${NAMES.map((_, i) => `@n${i}`).join(', ')})
         AND ts BETWEEN @from AND @to ${versionTerm} AND ${COMPLETE_SOURCES}`,
    )
    .raw()
    .all({
      service: rollout.service === '' ? null : rollout.service,
      environment: rollout.environment,
      track,
      from: rollout.fromMs,
      to: rollout.toMs,
      ...(versionTerm === '' ? {} : { version: track === 'canary' ? rollout.canaryVersion : rollout.stableVersion }),
      ...Object.fromEntries(NAMES.map((n, i) => [`n${i}`, n])),
    }) as [string, number][];
  const byName = new Map<string, number[]>();
  for (const [name, value] of rows) {
    const list = byName.get(name) ?? [];
    list.push(value);
    byName.set(name, list);
  }
  return byName;
}

export function resourceRows(db: CaseDb, rollout: Rollout): ComparisonRow[] {
  const stable = samples(db, rollout, 'stable');
  const canary = samples(db, rollout, 'canary');
  const mean = (values: number[] | undefined): number | null =>
    values && values.length > 0 ? values.reduce((s, v) => s + v, 0) / values.length : null;
  return NAMES.filter((name) => stable.has(name) || canary.has(name)).map((name) => {
    const s = Float64Array.from(stable.get(name) ?? []).sort();
    const c = Float64Array.from(canary.get(name) ?? []).sort();
    const tested = s.length > 0 && c.length > 0 ? mannWhitneyU(c, s, 'two-sided') : null;
    return comparisonRow({
      metric: `resource:${name}`,
      label: RESOURCE_METRICS[name]?.label ?? name,
      unit: RESOURCE_METRICS[name]?.unit ?? 'value',
      kind: 'resource',
      stable: mean(stable.get(name)),
      canary: mean(canary.get(name)),
      stableDenominator: s.length,
      canaryDenominator: c.length,
      pValue: tested?.pValue ?? null,
      test: tested ? 'mann-whitney-u' : null,
    });
  });
}
