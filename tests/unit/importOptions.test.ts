// The options of one import, checked once for the CLI and the API: good values pass as the
// readers take them, bad ones are refused with a message naming the option as each caller
// wrote it (the CLI's flag, the API's field), and the API's schema refuses them first.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { saveCsvMapping } from '../../electron/core/case/csvMappings.js';
import { listSources } from '../../electron/core/case/sources.js';
import {
  type ImportRequest,
  checkImportRequest,
  importChoices,
  resolveImport,
} from '../../electron/core/ingest/importOptions.js';
import { FORMATS } from '../../electron/core/ingest/formats/index.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { createService, dispatch } from '../../electron/core/service.js';
import { apiMethods } from '../../shared/api.js';
import { CoalmineError } from '../../shared/errors.js';
import {
  DEFAULT_REQUEST_TIME_UNIT,
  IMPORT_NAME_MAX,
  importDayProblem,
  importYearProblem,
  optionName,
  parseImportDay,
  parseImportYear,
  refusedOption,
} from '../../shared/importOptions.js';
import { tempDir, writeLines } from '../helpers/tempCase.js';

function refusal(request: ImportRequest, naming: 'cli' | 'api'): string {
  try {
    checkImportRequest(request, naming);
  } catch (error) {
    expect(error).toBeInstanceOf(CoalmineError);
    expect((error as CoalmineError).code).toBe('BAD_INPUT');
    return (error as CoalmineError).message;
  }
  throw new Error(`${JSON.stringify(request)} was accepted`);
}

describe('the day and year of an import', () => {
  it('reads DD/MM/YYYY as a real day only', () => {
    expect(parseImportDay('25/10/2026')).toBe('2026-10-25');
    expect(parseImportDay(' 29/02/2024 ')).toBe('2024-02-29');
    expect(parseImportDay('01/01/1990')).toBe('1990-01-01');
    for (const bad of ['29/02/2026', '31/04/2026', '00/01/2026', '10/13/2026', '2026-10-25', '5/10/2026', '25/10/26']) {
      expect(parseImportDay(bad), bad).toBeNull();
    }
    // A US reading of a real UK day is still the UK day; one that only reads as US is refused.
    expect(parseImportDay('03/04/2026')).toBe('2026-04-03');
    expect(parseImportDay('12/31/2026')).toBeNull();
    expect(parseImportDay('01/01/0050')).toBeNull();
    expect(parseImportDay('01/01/2100')).toBeNull();
  });

  it('takes a year of four digits from 1990 to 2099, typed or sent as a number', () => {
    expect(parseImportYear('2025')).toBe(2025);
    expect(parseImportYear(1990)).toBe(1990);
    expect(parseImportYear(2099)).toBe(2099);
    for (const bad of ['19x5', '1989', '2100', '25', '2025.5', '', ' ']) expect(parseImportYear(bad), bad).toBeNull();
    expect(parseImportYear(2025.5)).toBeNull();
    expect(parseImportYear(-2025)).toBeNull();
  });
});

describe('checkImportRequest', () => {
  it('passes good values of every option as the readers take them', () => {
    expect(checkImportRequest({}, 'api')).toEqual({ zone: 'Europe/London', requestTimeUnit: 'us' });
    expect(
      checkImportRequest(
        {
          format: 'access-log',
          track: 'canary',
          service: '  payments ',
          version: '5.1.0',
          zone: 'America/New_York',
          year: '2025',
          date: '25/10/2026',
          requestTimeUnit: 'ms',
          mapping: 'web.v2',
          map: 'When=timestamp,Code=status',
        },
        'cli',
      ),
    ).toEqual({
      format: 'access-log',
      track: 'canary',
      service: 'payments',
      version: '5.1.0',
      zone: 'America/New_York',
      year: 2025,
      day: '2026-10-25',
      requestTimeUnit: 'ms',
      mapping: 'web.v2',
      map: { When: 'timestamp', Code: 'status' },
    });
    // Blank names are not given, as on the command line.
    expect(checkImportRequest({ service: '  ', version: '' }, 'api')).toEqual({
      zone: 'Europe/London',
      requestTimeUnit: 'us',
    });
    for (const format of FORMATS) expect(checkImportRequest({ format: format.name }, 'api').format).toBe(format.name);
    expect(checkImportRequest({ zone: 'UTC' }, 'api').zone).toBe('UTC');
  });

  it('refuses a bad value of each option, naming the option as the caller wrote it', () => {
    const cases: [ImportRequest, RegExp][] = [
      [{ format: 'nginx-json' }, /^format: unknown format "nginx-json"; Coalmine reads: ecs-ndjson, /],
      [{ track: 'blue' }, /^track "blue" is not a track; give canary or stable$/],
      [{ service: 'x'.repeat(1001) }, /^service is longer than 1000 characters$/],
      [{ version: 'v'.repeat(1001) }, /^version is longer than 1000 characters$/],
      [{ zone: 'Mars/Olympus' }, /^zone: unknown time zone "Mars\/Olympus"/],
      [{ zone: '+01:00' }, /^zone: unknown time zone/],
      [{ year: '19x5' }, /^year 19x5 is not a year between 1990 and 2099$/],
      [{ year: 2100 }, /^year 2100 is not a year between 1990 and 2099$/],
      [{ date: '31/02/2026' }, /^date 31\/02\/2026 is not a day written DD\/MM\/YYYY/],
      [{ date: '2026-10-25' }, /^date 2026-10-25 is not a day written DD\/MM\/YYYY/],
      [{ requestTimeUnit: 'ns' }, /^requestTimeUnit "ns" is not a unit; give s, ms or us$/],
      [{ mapping: '../web' }, /^mapping "\.\.\/web": a mapping name is 1 to 64 letters/],
      [{ mapping: '' }, /^mapping "": a mapping name/],
    ];
    for (const [request, message] of cases) {
      expect(refusal(request, 'api')).toMatch(message);
      const key = Object.keys(request)[0] as keyof ImportRequest;
      // The same check from the CLI names its flag instead.
      const cliMessage = refusal(request, 'cli');
      expect(cliMessage.startsWith(optionName(key, 'cli'))).toBe(true);
      expect(cliMessage.slice(optionName(key, 'cli').length)).toBe(refusal(request, 'api').slice(key.length));
    }
    expect(refusal({ year: '19x5' }, 'cli')).toBe('--year 19x5 is not a year between 1990 and 2099');
    expect(refusal({ requestTimeUnit: 'ns' }, 'cli')).toBe('--request-time-unit "ns" is not a unit; give s, ms or us');
  });

  it('names the refused option so the page can find its field again, and the reason after it', () => {
    const requests: ImportRequest[] = [
      { format: 'nginx-json' },
      { track: 'blue' },
      { service: 'x'.repeat(IMPORT_NAME_MAX + 1) },
      { version: 'v'.repeat(IMPORT_NAME_MAX + 1) },
      { zone: 'Mars/Olympus' },
      { year: 1989 },
      { date: '31/02/2026' },
      { requestTimeUnit: 'ns' },
      { mapping: '../web' },
    ];
    for (const request of requests) {
      const key = Object.keys(request)[0] as keyof ImportRequest;
      const message = refusal(request, 'api');
      const found = refusedOption(message);
      expect(found?.key, message).toBe(key);
      expect(message.endsWith(found?.reason ?? '-'), message).toBe(true);
      expect(found?.reason).not.toMatch(/^[: ]/);
    }
    expect(refusedOption('zone: unknown time zone "Mars/Olympus" (use an IANA name such as Europe/London)')).toEqual({
      key: 'zone',
      reason: 'unknown time zone "Mars/Olympus" (use an IANA name such as Europe/London)',
    });
    // Other messages name no option, even when they start with an option's name.
    for (const other of [
      'zone.coalmine is open read-only: nothing can be imported into it',
      'mappings are missing',
      'ingest.start: ✖ Invalid input\n  → at date',
      'zone',
      'zone: ',
    ]) {
      expect(refusedOption(other), other).toBeNull();
    }
    // `map` is a prefix of `mapping`: each is found as itself.
    expect(refusedOption('mapping: no CSV mapping named "x"')?.key).toBe('mapping');
    expect(refusedOption('map: "when" is not a field')?.key).toBe('map');
  });

  it('words a bad day and year once, for the page, the API and the core alike', () => {
    expect(importDayProblem('31/02/2026')).toBe(
      '31/02/2026 is not a day written DD/MM/YYYY (a real day, 1990 to 2099)',
    );
    expect(importDayProblem(' 2026-10-25 ')).toBe(
      '2026-10-25 is not a day written DD/MM/YYYY (a real day, 1990 to 2099)',
    );
    expect(importYearProblem(' 19x5 ')).toBe('19x5 is not a year between 1990 and 2099');
    expect(importYearProblem(2100)).toBe('2100 is not a year between 1990 and 2099');
    expect(refusal({ date: '31/02/2026' }, 'api')).toBe(`date ${importDayProblem('31/02/2026')}`);
    expect(refusal({ date: '31/02/2026' }, 'cli')).toBe(`--date ${importDayProblem('31/02/2026')}`);
    expect(refusal({ year: 2100 }, 'api')).toBe(`year ${importYearProblem(2100)}`);
    const parsed = apiMethods['ingest.start'].input.safeParse({ files: ['AAAAAAAAAAAA'], date: '31/02/2026' });
    expect(parsed.success ? [] : parsed.error.issues.map((i) => i.message)).toEqual([importDayProblem('31/02/2026')]);
  });

  it('refuses a bad --map before anything is opened', () => {
    expect(() => checkImportRequest({ map: 'When=when' }, 'cli')).toThrow(/"when" is not a field Coalmine reads/);
  });
});

describe('resolveImport', () => {
  const caseWith = () => {
    const db = openCase(path.join(tempDir(), 'o.coalmine'), { create: true });
    saveCsvMapping(db, 'web', { When: 'timestamp', Code: 'status' });
    return db;
  };

  it('builds the options importFile takes, the saved CSV mapping read from the case', () => {
    const db = caseWith();
    const checked = checkImportRequest(
      { service: 'payments', version: '2', track: 'stable', date: '01/11/2026', requestTimeUnit: 's', mapping: 'web' },
      'api',
    );
    expect(resolveImport(db, checked, 'api')).toEqual({
      options: {
        zone: 'Europe/London',
        track: 'stable',
        service: 'payments',
        version: '2',
        formatOptions: {
          requestTimeUnit: 's',
          date: '2026-11-01',
          csvMapping: { When: 'timestamp', Code: 'status' },
        },
        csvMapping: { name: 'web', mapping: { When: 'timestamp', Code: 'status' }, save: false },
      },
    });
    db.close();
  });

  it('refuses a mapping the case does not hold, naming the option and the ones it has', () => {
    const db = caseWith();
    expect(() => resolveImport(db, checkImportRequest({ mapping: 'nope' }, 'api'), 'api')).toThrow(
      'mapping: no CSV mapping named "nope" in this case (it has: web)',
    );
    expect(() => resolveImport(db, checkImportRequest({ mapping: 'nope' }, 'cli'), 'cli')).toThrow(
      '--mapping: no CSV mapping named "nope" in this case (it has: web)',
    );
    const empty = openCase(path.join(tempDir(), 'e.coalmine'), { create: true });
    expect(() => resolveImport(empty, checkImportRequest({ mapping: 'web' }, 'api'), 'api')).toThrow(
      /mapping: no CSV mapping named "web" in this case \(it has none; save one with `coalmine import --map/,
    );
    db.close();
    empty.close();
  });

  it('saves --map pairs under the name given, or "default", as the import begins and not before', async () => {
    const db = caseWith();
    const named = resolveImport(db, checkImportRequest({ map: 'T=timestamp', mapping: 'other' }, 'cli'), 'cli');
    expect(named.options.csvMapping).toEqual({ name: 'other', mapping: { T: 'timestamp' }, save: true });
    const unnamed = resolveImport(db, checkImportRequest({ map: 'U=timestamp' }, 'cli'), 'cli');
    expect(unnamed.options.csvMapping?.name).toBe('default');
    // Resolving reads only: an import refused later must leave the case as it was.
    expect(importChoices(db).csvMappings.map((m) => m.name)).toEqual(['web']);
    const file = writeLines('requests.csv', ['T,status', '2026-11-19T09:00:00Z,200']);
    const result = await importFile(db, file, named.options);
    expect(result).toMatchObject({ format: 'csv', events: 1 });
    expect(importChoices(db).csvMappings.map((m) => m.name)).toEqual(['other', 'web']);
    expect(listSources(db).at(-1)?.details).toMatchObject({
      csvMapping: { name: 'other', columns: { T: 'timestamp' } },
    });
    db.close();
  });
});

describe('the API', () => {
  it('lists the formats with their labels and the case’s saved mappings with their columns', async () => {
    const casePath = path.join(tempDir(), 'c.coalmine');
    const db = openCase(casePath, { create: true });
    const service = createService({ path: casePath, db, readOnly: false });
    expect(await service['ingest.choices']({})).toEqual({
      formats: FORMATS.map((f) => ({ name: f.name, label: f.label })),
      csvMappings: [],
      defaultZone: 'Europe/London',
      defaultRequestTimeUnit: DEFAULT_REQUEST_TIME_UNIT,
    });
    expect(DEFAULT_REQUEST_TIME_UNIT).toBe('us');
    saveCsvMapping(db, 'kibana', { '@timestamp': 'timestamp', 'host.name': 'host' });
    const listed = await dispatch(service, 'ingest.choices', {});
    expect(listed).toMatchObject({
      ok: true,
      value: { csvMappings: [{ name: 'kibana', columns: { '@timestamp': 'timestamp', 'host.name': 'host' } }] },
    });
    expect(await dispatch(service, 'ingest.choices', { extra: 1 })).toMatchObject({ ok: false });
    db.close();
  });

  it('ingest.start’s schema refuses malformed options before the core, naming the field', () => {
    const schema = apiMethods['ingest.start'].input;
    const files = ['AAAAAAAAAAAA'];
    const issue = (input: Record<string, unknown>): string => {
      const parsed = schema.safeParse({ files, ...input });
      expect(parsed.success, JSON.stringify(input)).toBe(false);
      return parsed.success ? '' : (parsed.error.issues[0]?.path.join('.') ?? '');
    };
    expect(issue({ date: '31/02/2026' })).toBe('date');
    expect(issue({ date: '25/10/2026 09:00' })).toBe('date');
    expect(issue({ year: 1989 })).toBe('year');
    expect(issue({ year: '2025' })).toBe('year');
    expect(issue({ year: 2025.5 })).toBe('year');
    expect(issue({ requestTimeUnit: 'ns' })).toBe('requestTimeUnit');
    expect(issue({ service: '' })).toBe('service');
    expect(issue({ service: '   ' })).toBe('service');
    expect(issue({ version: 'v'.repeat(1001) })).toBe('version');
    expect(issue({ zone: 'z'.repeat(65) })).toBe('zone');
    expect(issue({ mapping: 'm'.repeat(65) })).toBe('mapping');
    expect(issue({ track: 'blue' })).toBe('track');
    expect(issue({ map: 'When=timestamp' })).toBe('');
    expect(
      schema.safeParse({
        files,
        service: 'payments',
        version: '5.1.0',
        zone: 'UTC',
        format: 'access-log',
        year: 2025,
        date: '25/10/2026',
        requestTimeUnit: 'ms',
        mapping: 'web',
      }).success,
    ).toBe(true);
  });
});
