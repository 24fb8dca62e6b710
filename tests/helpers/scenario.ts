// Deterministic rollout scenarios with known answers, written as ECS NDJSON (what imports
// today). Requests arrive at an even pace per minute; each outcome is drawn from a seeded
// generator, so a scenario is the same bytes on every run and every machine.
import path from 'node:path';
import { openCase, type CaseDb } from '../../electron/core/case/caseStore.js';
import { prng } from '../../electron/core/demo/generateDemo.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { tempDir, writeLines } from './tempCase.js';

export const MINUTE = 60_000;
/** 02/03/2026 10:00:00 GMT: winter, so UTC and London agree and a reader can check. */
export const T0 = Date.UTC(2026, 2, 2, 10, 0, 0);

export interface TrackShape {
  /** Requests per minute. */
  rpm: number;
  rate5xx: number;
  rate401: number;
  rate403: number;
  /** Median latency (ms); latencies are log-normal around it. */
  medianMs: number;
  /** Spread of the log-normal latencies (σ of the log); 0.4 unless given. */
  spread?: number;
  /** A slow tail: this share of requests takes `ms` (log-normal, σ 0.1) instead. */
  tail?: { share: number; ms: number };
}

export interface SurgeSpec {
  /** Which track has it; the canary unless given. */
  track?: 'canary' | 'stable' | 'both';
  status: 401 | 403;
  fromMinute: number;
  /** Exclusive. */
  toMinute: number;
  rate: number;
  path?: string;
  user?: string;
}

export interface ExceptionSpec {
  track: 'canary' | 'stable' | 'both';
  /** Chance per request. */
  rate: number;
  type: string;
  /** The message of the n-th occurrence (ids in it vary). */
  message: (n: number) => string;
  stack: string;
}

export interface Scenario {
  seed: number;
  service: string;
  stableVersion: string;
  canaryVersion: string;
  minutes: number;
  /** The canary starts this many minutes after the stable logs do. */
  canaryFromMinute: number;
  stable: TrackShape;
  canary: TrackShape;
  surges: SurgeSpec[];
  exceptions: ExceptionSpec[];
  start: number;
}

export const HEALTHY: TrackShape = { rpm: 300, rate5xx: 0.0003, rate401: 0.004, rate403: 0.001, medianMs: 60 };

export function scenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    seed: 7,
    service: 'shop-api',
    stableVersion: '1.0.0',
    canaryVersion: '1.1.0',
    minutes: 60,
    canaryFromMinute: 0,
    stable: HEALTHY,
    canary: { ...HEALTHY, rpm: 60 },
    surges: [],
    exceptions: [],
    start: T0,
    ...overrides,
  };
}

const PATHS = ['/api/catalog', '/api/cart', '/api/orders', '/api/checkout', '/api/login'];

export function scenarioLines(s: Scenario): string[] {
  const random = prng(s.seed);
  const lines: { ts: number; line: string }[] = [];
  const counters = new Map<ExceptionSpec, number>();
  for (const track of ['stable', 'canary'] as const) {
    const shape = s[track];
    const version = track === 'canary' ? s.canaryVersion : s.stableVersion;
    const firstMinute = track === 'canary' ? s.canaryFromMinute : 0;
    for (let minute = firstMinute; minute < s.minutes; minute += 1) {
      for (let i = 0; i < shape.rpm; i += 1) {
        const ts = s.start + minute * MINUTE + Math.floor(((i + random()) / shape.rpm) * MINUTE);
        const user = `user${Math.floor(random() * 200)}@example.com`;
        const ip = `203.0.113.${1 + Math.floor(random() * 250)}`;
        let path = PATHS[Math.floor(random() * PATHS.length)] as string;
        let status = 200;
        let who = user;
        const surge = s.surges.find(
          (x) =>
            ((x.track ?? 'canary') === track || x.track === 'both') && minute >= x.fromMinute && minute < x.toMinute,
        );
        const r = random();
        if (surge && r < surge.rate) {
          status = surge.status;
          path = surge.path ?? path;
          who = surge.user ?? user;
        } else if (r < shape.rate5xx) status = 500;
        else if (r < shape.rate5xx + shape.rate401) status = 401;
        else if (r < shape.rate5xx + shape.rate401 + shape.rate403) status = 403;
        const gaussian = Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
        const slow = shape.tail !== undefined && random() < shape.tail.share;
        const latency = slow
          ? (shape.tail?.ms ?? 0) * Math.exp(0.1 * gaussian)
          : shape.medianMs * Math.exp((shape.spread ?? 0.4) * gaussian);
        const doc: Record<string, unknown> = {
          '@timestamp': new Date(ts).toISOString(),
          'service.name': s.service,
          'service.version': version,
          'labels.track': track,
          'http.request.method': 'GET',
          'url.path': path,
          'http.response.status_code': status,
          'event.duration': Math.round(latency * 1e6),
          'client.ip': ip,
          'user.name': who,
          message: `GET ${path} ${status}`,
        };
        for (const e of s.exceptions) {
          if (e.track !== 'both' && e.track !== track) continue;
          if (random() >= e.rate) continue;
          const n = (counters.get(e) ?? 0) + 1;
          counters.set(e, n);
          doc['error.type'] = e.type;
          doc['error.message'] = e.message(n);
          doc['error.stack_trace'] = `${e.type}: ${e.message(n)}\n${e.stack}`;
          doc['http.response.status_code'] = 500;
          break;
        }
        lines.push({ ts, line: JSON.stringify(doc) });
      }
    }
  }
  return lines.sort((a, b) => a.ts - b.ts).map((l) => l.line);
}

/** A new case holding the scenarios' logs (one file each), open read-write. */
export async function caseOf(...scenarios: Scenario[]): Promise<CaseDb> {
  const db = openCase(path.join(tempDir(), 'scenario.coalmine'), { create: true });
  for (const [i, s] of scenarios.entries()) {
    await importFile(db, writeLines(`scenario-${i}.ndjson`, scenarioLines(s)));
  }
  return db;
}
