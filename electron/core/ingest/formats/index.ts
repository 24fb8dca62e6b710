// The formats Coalmine reads, and the choice among them from a file's first lines (as lnav
// does): each format scores the sample, the best score wins, `--format NAME` forces one.
import { CoalmineError } from '../../../../shared/errors.js';
import { accessLogFormat } from './accessLog.js';
import { javaLogFormat, laravelLogFormat, pythonLogFormat, webErrorLogFormat } from './appLog.js';
import { ecsNdjsonFormat } from './ecsNdjson.js';
import { esSearchFormat } from './esSearch.js';
import { goLogFormat } from './goLog.js';
import { haproxyLogFormat } from './haproxyLog.js';
import { herokuLogFormat } from './herokuLog.js';
import { criLogFormat, dockerJsonLogFormat, kubectlLogFormat } from './containerLog.js';
import { csvFormat } from './csv.js';
import { elbLogFormat } from './albLog.js';
import { jsonLinesFormat } from './jsonLines.js';
import { kibanaCsvFormat } from './kibanaCsv.js';
import { logfmtFormat } from './logfmt.js';
import { otlpJsonFormat } from './otlpJson.js';
import { rubyLogFormat } from './rubyLog.js';
import { syslogFormat } from './syslog.js';
import { w3cLogFormat } from './w3cLog.js';
import { zeekLogFormat } from './zeekLog.js';
import type { LogFormat } from './types.js';

/** In order of preference when two formats score the same. */
export const FORMATS: readonly LogFormat[] = [
  ecsNdjsonFormat,
  accessLogFormat,
  jsonLinesFormat,
  esSearchFormat,
  kibanaCsvFormat,
  csvFormat,
  syslogFormat,
  javaLogFormat,
  pythonLogFormat,
  laravelLogFormat,
  webErrorLogFormat,
  logfmtFormat,
  criLogFormat,
  dockerJsonLogFormat,
  kubectlLogFormat,
  goLogFormat,
  elbLogFormat,
  herokuLogFormat,
  rubyLogFormat,
  haproxyLogFormat,
  w3cLogFormat,
  zeekLogFormat,
  otlpJsonFormat,
];

export function formatNamed(name: string): LogFormat {
  const found = FORMATS.find((f) => f.name === name);
  if (!found) {
    throw new CoalmineError(
      'BAD_INPUT',
      `unknown format "${name}"; Coalmine reads: ${FORMATS.map((f) => f.name).join(', ')}`,
    );
  }
  return found;
}

/**
 * The format that fits `sample` (the first non-blank lines) best. An empty sample (an empty
 * file) is read as the first format: it holds no record and nothing is rejected.
 */
export function detectFormat(sample: readonly string[], fileName: string): LogFormat {
  const first = FORMATS[0];
  if (!first) throw new Error('no format is registered');
  if (sample.length === 0) return first;
  let best: { format: LogFormat; score: number } | null = null;
  for (const format of FORMATS) {
    const score = format.probe(sample, fileName);
    if (score > 0 && (best === null || score > best.score)) best = { format, score };
  }
  if (best === null) {
    throw new CoalmineError(
      'BAD_INPUT',
      `${fileName}: cannot tell its format from its first lines; name it with --format (one of: ${FORMATS.map((f) => f.name).join(', ')})`,
    );
  }
  return best.format;
}
