// Which format each real file and fixture is read as: the structured formats (JSON lines,
// _search responses, Kibana CSV, CSV) never take ECS NDJSON, nor text logs.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { csvFormat } from '../../electron/core/ingest/formats/csv.js';
import { esSearchFormat } from '../../electron/core/ingest/formats/esSearch.js';
import { detectFormat } from '../../electron/core/ingest/formats/index.js';
import { jsonLinesFormat } from '../../electron/core/ingest/formats/jsonLines.js';
import { kibanaCsvFormat } from '../../electron/core/ingest/formats/kibanaCsv.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { projectRoot } from '../helpers/cli.js';
import { REAL, fileLines, probeSample, runFormat } from '../helpers/formatRun.js';
import { tempDir } from '../helpers/tempCase.js';

const detected = (file: string) => detectFormat(probeSample(fileLines(file)), path.basename(file)).name;
const fixture = (name: string) => path.join(projectRoot, 'tests/fixtures', name);

describe('detection of structured formats', () => {
  it.each([
    [`${REAL}/elastic-beats/es_startup_shutdown_due_to_exception.log`, 'json-lines'],
    [`${REAL}/lnav/logfile_journald.json`, 'json-lines'],
    [`${REAL}/elastic-integrations/test-secure-rhel7.ecs.ndjson`, 'ecs-ndjson'],
    [fixture('small-rollout.ndjson'), 'ecs-ndjson'],
    [fixture('structured/search-pretty.json'), 'es-search'],
    [fixture('structured/kibana-discover.csv'), 'kibana-csv'],
    [fixture('structured/requests.csv'), 'csv'],
    [fixture('structured/pino.ndjson'), 'json-lines'],
    [fixture('structured/bunyan.ndjson'), 'json-lines'],
  ])('%s is %s', (file, name) => {
    expect(detected(file)).toBe(name);
  });

  it('imports the real RHEL7 ECS documents: doc 1 a failure by ECS category/outcome, doc 6 by its PAM message', async () => {
    const db = openCase(path.join(tempDir(), 'r.coalmine'), { create: true });
    const result = await importFile(db, `${REAL}/elastic-integrations/test-secure-rhel7.ecs.ndjson`);
    expect(result).toMatchObject({ format: 'ecs-ndjson', events: 7, rejects: 0, authFailures: 2 });
    // Elastic's pipeline categorised only doc 1; doc 6's message is pam_unix's own
    // "authentication failure", which the classifier's rule table counts wherever it appears.
    expect(db.prepare(`SELECT source_line, auth_rule, user FROM events WHERE auth_failure = 1`).all()).toEqual([
      { source_line: 1, auth_rule: 'ecs-authentication-failure', user: 'root' },
      { source_line: 6, auth_rule: 'pam-authentication-failure', user: null },
    ]);
    db.close();
  });

  it('reads an empty file as nothing, in every structured format', () => {
    for (const format of [jsonLinesFormat, esSearchFormat, kibanaCsvFormat, csvFormat]) {
      expect(runFormat(format, [])).toEqual({ events: [], metrics: [], rejects: [] });
      expect(runFormat(format, ['', '  '])).toEqual({ events: [], metrics: [], rejects: [] });
    }
  });

  it('scores ECS lines below ecs-ndjson, and takes Logstash lines that are not ECS', () => {
    const ecs = fileLines(`${REAL}/elastic-integrations/test-secure-rhel7.ecs.ndjson`);
    const viaLogstash = [
      '{"@timestamp":"2026-11-19T09:52:03.000Z","@version":"1","ecs":{"version":"8.0.0"},"host":{"name":"a"},"message":"hi"}',
    ];
    for (const sample of [ecs, viaLogstash]) {
      expect(detectFormat(sample, 'x.ndjson').name).toBe('ecs-ndjson');
      expect(jsonLinesFormat.probe(sample, 'x.ndjson')).toBeLessThan(0.5);
      expect(esSearchFormat.probe(sample, 'x.ndjson')).toBe(0);
    }
    // logstash-logback-encoder through Logstash's json_lines codec.
    const logback = [
      '{"@timestamp":"2026-11-19T09:52:03.120+00:00","@version":"1","message":"payment failed","logger_name":"shop.Pay","level":"ERROR","level_value":40000,"HOSTNAME":"pay-canary-1","stack_trace":"java.lang.IllegalStateException: no key\\n\\tat shop.Pay.run(Pay.java:42)\\n"}',
    ];
    expect(detectFormat(logback, 'x.ndjson').name).toBe('json-lines');
    const [event] = runFormat(jsonLinesFormat, logback).events;
    expect(event).toMatchObject({ level: 'error', host: 'pay-canary-1', message: 'payment failed' });
    expect(event?.errorStack).toMatch(/^java\.lang\.IllegalStateException: no key\n\tat shop/);
  });

  // Text logs belong to other readers: none of these formats may claim them.
  const textLogs = [
    'loghub/Linux_2k.log',
    'loghub/Apache_2k.log',
    'loghub/Zookeeper_2k.log',
    'loghub/OpenStack_2k.log',
    'lnav/logfile_shop_access_log.0',
    'lnav/logfile_w3c_big.0',
    'lnav/logfile_bro_http.log.0',
    'lnav/logfile_haproxy.0',
    'lnav/logfile_laravel.0',
    'lnav/logfile_vdsm.0',
    'netnea-apache-labor/labor-06_access_10000.part1.log',
    'elastic-beats/system-auth-test.log',
    'elastic-integrations/test-secure-rhel7.log',
  ];
  it.each(textLogs)('leaves %s to the text readers', (name) => {
    const sample = probeSample(fileLines(`${REAL}/${name}`));
    for (const format of [jsonLinesFormat, esSearchFormat, kibanaCsvFormat, csvFormat]) {
      expect([format.name, format.probe(sample, name)]).toEqual([format.name, 0]);
    }
  });

  it('reads the loghub ground-truth and NAB files as generic CSV, not Kibana', () => {
    for (const name of ['loghub/Linux_2k.log_structured.csv', 'nab/realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv']) {
      expect(fs.existsSync(`${REAL}/${name}`)).toBe(true);
      expect(detected(`${REAL}/${name}`)).toBe('csv');
    }
  });
});
