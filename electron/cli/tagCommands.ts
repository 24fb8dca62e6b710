// `coalmine tags` (show, set or reset the case's track tagging rules) and `coalmine retag`
// (recompute every stored event's track from the stored evidence), and `coalmine mappings` (the
// CSV mappings saved in a case; an import's --map and --mapping are read in core/ingest/importOptions.ts).
import fs from 'node:fs';
import type { Command } from 'commander';
import { CoalmineError } from '../../shared/errors.js';
import { describeTaggingRule, parseTaggingRules, ruleName } from '../../shared/taggingRules.js';
import { listCsvMappings } from '../core/case/csvMappings.js';
import {
  type RetagResult,
  caseHasOwnTaggingRules,
  caseTaggingRules,
  resetTaggingRules,
  retagCase,
  saveTaggingRules,
  trackRuleCounts,
} from '../core/case/retag.js';
import { type Io, withCase, withWritableCase } from './caseAccess.js';
import { terminalText } from './terminalText.js';
import { textTable } from './textTable.js';

function readRulesFile(file: string): unknown {
  let textValue: string;
  try {
    textValue = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new CoalmineError('UNREADABLE', `${file}: cannot read (${(error as Error).message})`);
  }
  try {
    return JSON.parse(textValue);
  } catch (error) {
    throw new CoalmineError('BAD_INPUT', `${file}: not valid JSON (${(error as Error).message})`);
  }
}

function printRetag(io: Io, result: RetagResult): void {
  io.err(
    `re-tagged ${result.events} events (${result.changed} changed): canary ${result.byTrack.canary}, ` +
      `stable ${result.byTrack.stable}, unknown ${result.byTrack.unknown}` +
      (result.metrics > 0 ? `; ${result.metrics} metric samples (${result.metricsChanged} changed)` : '') +
      '\n',
  );
}

export function addTagCommands(program: Command, io: Io): void {
  program
    .command('tags')
    .description("show the case's track tagging rules, or set them from a JSON file (and re-tag)")
    .argument('<case>', 'case file')
    .option('--set <file>', 'save these rules (JSON: {"rules": [...]}; - reads standard input) and re-tag')
    .option('--reset', 'go back to the default rules and re-tag')
    .option('--json', 'print JSON')
    .action((casePath: string, opts: { set?: string; reset?: boolean; json?: boolean }) => {
      if (opts.set && opts.reset) throw new CoalmineError('BAD_INPUT', 'give --set or --reset, not both');
      if (opts.set || opts.reset) {
        const rules = opts.set ? parseTaggingRules(readRulesFile(opts.set)) : null;
        // The rules and the re-tag by them are one transaction: no import starts between them.
        const result = withWritableCase(casePath, 'its tagging rules cannot change', (db) => {
          if (rules) saveTaggingRules(db, rules);
          else resetTaggingRules(db);
          return retagCase(db);
        });
        if (opts.json) io.out(JSON.stringify(result, null, 2) + '\n');
        else printRetag(io, result);
        return;
      }
      const shown = withCase(casePath, (db) => ({
        own: caseHasOwnTaggingRules(db),
        rules: caseTaggingRules(db),
        tracks: trackRuleCounts(db),
      }));
      if (opts.json) {
        io.out(JSON.stringify(shown, null, 2) + '\n');
        return;
      }
      io.out(
        `${shown.own ? "The case's own tagging rules" : 'The default tagging rules (the case saved none)'}, tried in order after an import's --track:\n`,
      );
      shown.rules.rules.forEach((rule, i) => {
        io.out(`  ${i + 1}. ${terminalText(ruleName(rule))}: ${terminalText(describeTaggingRule(rule))}\n`);
      });
      if (shown.tracks.length > 0) {
        io.out('\n');
        io.out(
          textTable(
            ['Track', 'Rule', 'Events'],
            shown.tracks.map((t) => [t.track, terminalText(t.rule ?? '—'), String(t.events)]),
            [false, false, true],
          ) + '\n',
        );
      }
    });

  program
    .command('retag')
    .description("recompute every event's track from its stored fields with the case's rules (no re-import)")
    .argument('<case>', 'case file')
    .option('--json', 'print JSON')
    .action((casePath: string, opts: { json?: boolean }) => {
      const result = withWritableCase(casePath, 'it cannot be re-tagged', retagCase);
      if (opts.json) io.out(JSON.stringify(result, null, 2) + '\n');
      else printRetag(io, result);
    });

  program
    .command('mappings')
    .description('list the CSV column mappings saved in a case')
    .argument('<case>', 'case file')
    .option('--json', 'print JSON')
    .action((casePath: string, opts: { json?: boolean }) => {
      const mappings = withCase(casePath, listCsvMappings);
      if (opts.json) {
        io.out(JSON.stringify(mappings, null, 2) + '\n');
        return;
      }
      if (mappings.length === 0) io.out('No CSV mappings saved (import with --map COLUMN=FIELD,… to save one).\n');
      for (const { name, mapping } of mappings) {
        const pairs = Object.entries(mapping).map(([column, field]) => `${column}=${field}`);
        io.out(`${terminalText(name)}: ${terminalText(pairs.join(','))}\n`);
      }
    });
}
