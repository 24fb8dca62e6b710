// The tagging rules' shared checks and words (shared/taggingRules.ts), which the CLI, the API
// and the page's editor all use: each problem tied to its rule and field, and a rule in words.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TAGGING_RULES,
  describeTaggingRule,
  parseTaggingRules,
  taggingRulesIssues,
} from '../../shared/taggingRules.js';
import { ANALYSIS_SETTING_UNITS, NUMERIC_SETTING_KEYS, formatSettingValue } from '../../shared/analysisSettingUnits.js';
import { ANALYSIS_SETTING_KEYS } from '../../shared/analysisSettings.js';

describe('tagging rule issues', () => {
  it('are empty for valid rules and name the rule and field of each problem', () => {
    expect(taggingRulesIssues(DEFAULT_TAGGING_RULES)).toEqual([]);
    const issues = taggingRulesIssues({
      rules: [
        { kind: 'name', field: 'pod', canary: ['ok', ' '], stable: [] },
        { kind: 'version', canaryVersion: '' },
        { kind: 'guess' },
      ],
    });
    expect(issues.map(({ rule, field, item, path }) => ({ rule, field, item, path }))).toEqual([
      { rule: 0, field: 'canary', item: 1, path: 'rules.0.canary.1' },
      { rule: 1, field: 'canaryVersion', item: null, path: 'rules.1.canaryVersion' },
      { rule: 2, field: 'kind', item: null, path: 'rules.2.kind' },
    ]);
    expect(issues.slice(0, 2).map((i) => i.message)).toEqual(['a word must not be empty', 'must not be empty']);
    expect(taggingRulesIssues({ rules: 'x' })).toMatchObject([{ rule: null, field: null, path: 'rules' }]);
    expect(taggingRulesIssues([])).toMatchObject([{ rule: null, path: '(top)' }]);
  });

  it('are what parseTaggingRules reports, by path, and valid rules come back trimmed', () => {
    expect(() => parseTaggingRules({ rules: [{ kind: 'version', canaryVersion: '' }] })).toThrow(
      /^tagging rules are not valid: rules\.0\.canaryVersion: /,
    );
    expect(parseTaggingRules({ rules: [{ kind: 'label', canary: [' Canary '], stable: [] }] })).toEqual({
      rules: [{ kind: 'label', canary: ['Canary'], stable: [] }],
    });
    // Names and versions too (compared exactly, a stray space would match nothing); a word may hold a comma.
    expect(
      parseTaggingRules({
        rules: [
          { kind: 'version', name: ' pods ', service: ' checkout ', canaryVersion: ' 2.0.0 ' },
          { kind: 'name', field: 'pod', canary: ['eu,canary'], stable: [] },
        ],
      }),
    ).toEqual({
      rules: [
        { kind: 'version', name: 'pods', service: 'checkout', canaryVersion: '2.0.0' },
        { kind: 'name', field: 'pod', canary: ['eu,canary'], stable: [] },
      ],
    });
    expect(taggingRulesIssues({ rules: [{ kind: 'version', canaryVersion: '   ' }] })).toMatchObject([
      { path: 'rules.0.canaryVersion', message: 'must not be empty' },
    ]);
  });

  it('say what each rule matches in words', () => {
    expect(DEFAULT_TAGGING_RULES.rules.map(describeTaggingRule)).toEqual([
      'label value: canary = canary, preview; stable = stable, baseline, primary, active',
      'pod name holds the word: canary = canary; stable = stable, baseline, primary',
      'host name holds the word: canary = canary; stable = stable, baseline, primary',
    ]);
    expect(
      describeTaggingRule({ kind: 'version', service: 'checkout', canaryVersion: '2.0.0', stableVersion: '1.9.0' }),
    ).toBe('service checkout, version 2.0.0 = canary; 1.9.0 = stable');
    expect(describeTaggingRule({ kind: 'pod-template-hash', canary: ['7bf84f9696'], stable: [] })).toBe(
      'pod template hash: canary = 7bf84f9696; stable = —',
    );
  });
});

describe('setting units', () => {
  it('cover every numeric setting, and read as a person reads them', () => {
    expect([...NUMERIC_SETTING_KEYS].sort()).toEqual(
      ANALYSIS_SETTING_KEYS.filter((k) => k !== 'businessMeasures').sort(),
    );
    expect(formatSettingValue(ANALYSIS_SETTING_UNITS.errorRateRollback, 0.001)).toBe('0.001 (0.10 %)');
    expect(formatSettingValue(ANALYSIS_SETTING_UNITS.latencyAlertMs, 500)).toBe('500.0 ms');
    expect(formatSettingValue(ANALYSIS_SETTING_UNITS.bucketMinutes, 1)).toBe('1 minute');
    expect(formatSettingValue(ANALYSIS_SETTING_UNITS.minRequests, 1200)).toBe('1,200 requests');
    expect(formatSettingValue(ANALYSIS_SETTING_UNITS.surgeMinRatio, 2)).toBe('2 ×');
  });
});
