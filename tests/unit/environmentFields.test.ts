// Where each input format names the deployment environment, and the import option that fills
// it for the records that name none.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { apiMethods } from '../../shared/api.js';
import { refusedOption } from '../../shared/importOptions.js';
import { formatNamed } from '../../electron/core/ingest/formats/index.js';
import { checkImportRequest, resolveImport } from '../../electron/core/ingest/importOptions.js';
import { normaliseEvent, normaliseMetric } from '../../electron/core/ingest/normalise.js';
import { DEFAULT_TAGGING_RULES } from '../../electron/core/ingest/tagging.js';
import { ecsDocumentRecords } from '../../electron/core/ingest/formats/ecsNdjson.js';
import { blankEvent } from '../../electron/core/ingest/formats/types.js';
import { runFormat } from '../helpers/runFormat.js';
import { tempDir } from '../helpers/tempCase.js';

const AT = '2026-03-02T10:00:00Z';

function environmentsOf(formatName: string, lines: string[]): (string | null)[] {
  const { events, rejects } = runFormat(formatNamed(formatName), lines);
  expect(rejects).toEqual([]);
  return events.map((e) => e.environment);
}

describe('the environment a record names', () => {
  it('ECS: service.environment, nested or dotted, trimmed; none is null', () => {
    expect(
      environmentsOf('ecs-ndjson', [
        JSON.stringify({ '@timestamp': AT, message: 'a', 'service.environment': 'production' }),
        JSON.stringify({ '@timestamp': AT, message: 'b', service: { name: 'api', environment: ' staging ' } }),
        JSON.stringify({ '@timestamp': AT, message: 'c', labels: { env: 'qa' } }),
        JSON.stringify({ '@timestamp': AT, message: 'd', 'service.environment': '   ' }),
        JSON.stringify({ '@timestamp': AT, message: 'e' }),
      ]),
    ).toEqual(['production', 'staging', 'qa', null, null]);
  });

  it('OpenTelemetry: deployment.environment(.name), bare or under resource.attributes', () => {
    expect(
      environmentsOf('json-lines', [
        JSON.stringify({ timestamp: AT, msg: 'a', 'deployment.environment.name': 'prod' }),
        JSON.stringify({ timestamp: AT, msg: 'b', 'deployment.environment': 'staging' }),
        JSON.stringify({
          timestamp: AT,
          msg: 'c',
          resource: { attributes: { 'service.name': 'api', 'deployment.environment.name': 'production' } },
        }),
        JSON.stringify({ timestamp: AT, msg: 'd', resource: { attributes: { 'deployment.environment': 'dev' } } }),
        // The newer name wins over the older when a record carries both, and an object is no name.
        JSON.stringify({ timestamp: AT, msg: 'e', deployment: { environment: { name: 'eu-prod' } } }),
      ]),
    ).toEqual(['prod', 'staging', 'production', 'dev', 'eu-prod']);
  });

  it('JSON lines: labels.environment, labels.env, a top-level environment or env, kept as written', () => {
    expect(
      environmentsOf('json-lines', [
        JSON.stringify({ time: AT, msg: 'a', labels: { environment: 'Production' } }),
        JSON.stringify({ time: AT, msg: 'b', 'labels.env': 'stg' }),
        JSON.stringify({ time: AT, msg: 'c', environment: 'prod' }),
        JSON.stringify({ time: AT, msg: 'd', env: 'production' }),
        // A process's variables under `env` name no environment.
        JSON.stringify({ time: AT, msg: 'e', env: { PATH: '/usr/bin' } }),
      ]),
    ).toEqual(['Production', 'stg', 'prod', 'production', null]);
  });

  it('CSV and Kibana CSV: a column named environment, env or service.environment', () => {
    expect(
      environmentsOf('csv', [
        'timestamp,status,Environment',
        `${AT},200,production`,
        `${AT},200,`,
        `${AT},500, staging `,
      ]),
    ).toEqual(['production', null, 'staging']);
    expect(environmentsOf('csv', ['time,env,message', `${AT},qa,hello`])).toEqual(['qa']);
    expect(
      environmentsOf('kibana-csv', [
        '"@timestamp","service.environment","message"',
        '"Mar 2, 2026 @ 10:00:00.000","production","ok"',
        '"Mar 2, 2026 @ 10:00:01.000","-","ok"',
      ]),
    ).toEqual(['production', null]);
  });

  it('metric samples of an ECS metric document carry it too', () => {
    const outcome = ecsDocumentRecords(
      {
        '@timestamp': AT,
        'metricset.name': 'cpu',
        'service.name': 'api',
        'service.environment': 'production',
        'system.cpu.total.norm.pct': 0.4,
      },
      1,
      '{}',
      'UTC',
    );
    expect(outcome.ok && outcome.metrics.map((m) => m.environment)).toEqual(['production']);
  });
});

describe('--environment', () => {
  const context = (environment: string | null) => ({
    track: null,
    service: null,
    version: null,
    environment,
    rules: DEFAULT_TAGGING_RULES,
  });

  it('fills the records that name none and keeps a record’s own', () => {
    const named = { ...blankEvent(1, '{}', 0, ''), environment: 'production' };
    const bare = blankEvent(2, '{}', 0, '');
    expect(normaliseEvent(named, context('staging')).environment).toBe('production');
    expect(normaliseEvent(bare, context('staging')).environment).toBe('staging');
    expect(normaliseEvent(blankEvent(3, '{}', 0, ''), context(null)).environment).toBeNull();
    const sample = {
      sourceLine: 1,
      ts: 0,
      track: 'unknown' as const,
      trackRule: null,
      trackLabel: null,
      service: 'api',
      environment: null,
      version: null,
      host: null,
      pod: null,
      name: 'system.load.1',
      value: 1,
    };
    expect(normaliseMetric(sample, context('staging')).environment).toBe('staging');
  });

  it('is checked like --service, named as the caller wrote it, and reaches the import', () => {
    const checked = checkImportRequest({ environment: '  staging ' }, 'cli');
    expect(checked.environment).toBe('staging');
    expect(checkImportRequest({ environment: ' ' }, 'api')).not.toHaveProperty('environment');
    expect(() => checkImportRequest({ environment: 'x'.repeat(1001) }, 'cli')).toThrow(
      /^--environment is longer than 1000 characters$/,
    );
    expect(() => checkImportRequest({ environment: 'x'.repeat(1001) }, 'api')).toThrow(
      /^environment is longer than 1000 characters$/,
    );
    expect(refusedOption('environment is longer than 1000 characters')).toEqual({
      key: 'environment',
      reason: 'is longer than 1000 characters',
    });
    const db = openCase(path.join(tempDir(), 'options.coalmine'), { create: true });
    expect(resolveImport(db, checked, 'cli').options.environment).toBe('staging');
    db.close();
  });

  it('is an option of ingest.start, pull.start and rollout.define', () => {
    const start = apiMethods['ingest.start'].input;
    expect(start.parse({ files: ['file-0001'], environment: ' production ' }).environment).toBe('production');
    expect(() => start.parse({ files: ['file-0001'], environment: '  ' })).toThrow();
    expect(
      apiMethods['rollout.define'].input.parse({ service: 's', canaryVersion: '2', environment: 'staging' }),
    ).toMatchObject({ environment: 'staging' });
    expect(apiMethods['pull.start'].input.shape.environment).toBeDefined();
  });
});
