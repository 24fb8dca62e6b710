// `coalmine pull`: an Elasticsearch pull into a case. Credentials come from --api-key,
// --api-key-env or --user with --password-env (never a password flag, which would sit in the
// shell history and the process list), and are never printed: every message is scrubbed.
import fs from 'node:fs';
import { type Command, Option } from 'commander';
import { CoalmineError } from '../../shared/errors.js';
import { closeCase, openCase } from '../core/case/caseStore.js';
import { scrub, secretsOf } from '../core/elastic/clusterClient.js';
import { type PullResult, pullIntoCase } from '../core/elastic/pull.js';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type PullAuth,
  buildPullRequest,
  checkCaPem,
  displayUrl,
} from '../core/elastic/pullRequest.js';
import { clearProgress, pullProgressPrinter } from './progressBar.js';
import type { Io } from './caseAccess.js';
import { terminalText } from './terminalText.js';

export interface PullExitCodes {
  ok: number;
  rejects: number;
  /** Cancelled (Ctrl-C): what was read is kept, the source is incomplete. */
  interrupted: number;
}

interface PullOpts {
  url: string;
  index: string;
  from: string;
  to: string;
  query?: string;
  zone: string;
  apiKey?: string;
  apiKeyEnv?: string;
  user?: string;
  passwordEnv?: string;
  ca?: string;
  fingerprint?: string;
  insecureSkipTlsVerify?: boolean;
  pageSize: string;
  timeout: string;
  track?: 'canary' | 'stable';
  service?: string;
  version?: string;
  environment?: string;
  json?: boolean;
}

function fromEnvironment(variable: string, what: string): string {
  const value = process.env[variable];
  if (value === undefined || value === '') {
    throw new CoalmineError('BAD_INPUT', `${what}: the environment variable ${variable} is not set or empty`);
  }
  return value;
}

function authOf(opts: PullOpts): PullAuth {
  const given = [opts.apiKey !== undefined, opts.apiKeyEnv !== undefined, opts.user !== undefined].filter(Boolean);
  if (given.length > 1) {
    throw new CoalmineError('BAD_INPUT', 'give one of --api-key, --api-key-env or --user with --password-env');
  }
  if (opts.passwordEnv !== undefined && opts.user === undefined) {
    throw new CoalmineError('BAD_INPUT', '--password-env goes with --user');
  }
  if (opts.apiKey !== undefined) return { kind: 'apiKey', apiKey: opts.apiKey };
  if (opts.apiKeyEnv !== undefined) return { kind: 'apiKey', apiKey: fromEnvironment(opts.apiKeyEnv, '--api-key-env') };
  if (opts.user !== undefined) {
    if (opts.passwordEnv === undefined) {
      throw new CoalmineError(
        'BAD_INPUT',
        '--user needs --password-env VAR (the name of an environment variable holding the password)',
      );
    }
    return { kind: 'basic', username: opts.user, password: fromEnvironment(opts.passwordEnv, '--password-env') };
  }
  return { kind: 'none' };
}

function printPull(io: Io, result: PullResult, where: string): void {
  const cluster = result.cluster.name ? `${terminalText(result.cluster.name)} (${where})` : where;
  if (result.duplicateOf) {
    io.err(
      `${cluster}: the ${result.lines} hits are those of source #${result.duplicateOf.id} (same SHA-256); nothing added\n`,
    );
    return;
  }
  const total = result.hitsTotal === null ? '' : ` of ${result.hitsTotal}`;
  io.err(
    `${cluster}: ${result.events} events from ${result.lines}${total} hits in ${result.pages} page${result.pages === 1 ? '' : 's'}, ` +
      `${result.rejects} rejected, as source #${result.sourceId ?? '?'}` +
      `${result.state === 'complete' ? '' : ` (${result.state})`}\n`,
  );
  if (result.message) io.err(`  ${terminalText(result.message)}\n`);
  if (result.pitReopened > 0) {
    io.err(
      `  the point in time expired and was reopened ${result.pitReopened} time(s): the hits span more than one snapshot\n`,
    );
  }
  if (result.duplicates > 0) {
    const held = result.duplicatesHeldBy.length > 0 ? ` (held by source #${result.duplicatesHeldBy.join(', #')})` : '';
    io.err(
      `  ${result.duplicates} hit${result.duplicates === 1 ? ' was' : 's were'} already in the case${held}: stored once, not counted twice\n`,
    );
  }
  if (result.replaced.length > 0) io.err(`  replaces the interrupted pull(s) #${result.replaced.join(', #')}\n`);
  if (result.overlaps.length > 0) {
    io.err(
      `  source(s) #${result.overlaps.join(', #')} hold an earlier pull of the same request with other hits; the hits both hold are counted once\n`,
    );
  }
  for (const reject of result.rejectSample) io.err(`  hit ${reject.line}: ${terminalText(reject.reason)}\n`);
  if (result.rejects > result.rejectSample.length) {
    io.err(`  … and ${result.rejects - result.rejectSample.length} more rejected hits, kept in the case\n`);
  }
}

export function addPullCommand(program: Command, io: Io, setExit: (code: number) => void, codes: PullExitCodes): void {
  program
    .command('pull')
    .description('pull a window of logs from Elasticsearch into a case (created if absent)')
    .argument('<case>', 'case file (*.coalmine)')
    .requiredOption('--url <url>', 'the cluster, e.g. https://es.example:9200 (no credentials in it)')
    .requiredOption('--index <pattern>', 'index pattern, e.g. logs-checkout-*')
    .requiredOption('--from <time>', 'window start, included: ISO 8601 with offset, or DD/MM/YYYY HH:mm:ss in --zone')
    .requiredOption('--to <time>', 'window end, excluded: same forms as --from')
    .option('--query <lucene>', 'Lucene query string, ANDed with the window')
    .option('--zone <iana>', 'zone of DD/MM/YYYY HH:mm:ss window times', 'Europe/London')
    .option('--api-key <key>', 'API key (visible in the process list; prefer --api-key-env)')
    .option('--api-key-env <var>', 'environment variable holding the API key')
    .option('--user <name>', 'user for basic authentication, with --password-env')
    .option('--password-env <var>', 'environment variable holding the password')
    .option('--ca <file>', 'PEM file of the CA that signs the cluster certificate')
    .option('--fingerprint <sha256>', 'SHA-256 fingerprint of the cluster CA certificate')
    .option('--insecure-skip-tls-verify', 'do not verify the cluster certificate (warned about)')
    .option('--page-size <n>', `hits per page, 1 to ${MAX_PAGE_SIZE}`, String(DEFAULT_PAGE_SIZE))
    .option('--timeout <seconds>', 'time allowed for each request', '60')
    .addOption(new Option('--track <track>', 'tag every event of this pull').choices(['canary', 'stable']))
    .option('--service <name>', 'service name for every event of this pull')
    .option('--version <version>', 'service version for every event of this pull')
    .option('--environment <name>', 'deployment environment of the hits that name none; their own is kept')
    .option('--json', 'print the result as JSON')
    .action(async (casePath: string, opts: PullOpts) => {
      const auth = authOf(opts);
      const secrets = secretsOf(auth);
      try {
        const pageSize = Number(opts.pageSize);
        const timeoutSeconds = Number(opts.timeout);
        if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 3600) {
          throw new CoalmineError('BAD_INPUT', '--timeout must be a number of seconds from 1 to 3600');
        }
        if (opts.ca !== undefined && opts.fingerprint !== undefined) {
          throw new CoalmineError('BAD_INPUT', 'give --ca or --fingerprint, not both');
        }
        let ca: { pem: string; label: string } | undefined;
        if (opts.ca !== undefined) {
          let pem: string;
          try {
            pem = fs.readFileSync(opts.ca, 'utf8');
          } catch (error) {
            throw new CoalmineError(
              'UNREADABLE',
              `--ca ${opts.ca}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
            );
          }
          ca = checkCaPem(pem, `--ca ${opts.ca}`);
        }
        // Everything is checked before the case is created or touched.
        const request = buildPullRequest({
          url: opts.url,
          index: opts.index,
          from: opts.from,
          to: opts.to,
          query: opts.query,
          zone: opts.zone,
          pageSize,
          auth,
          tls: {
            ...(ca ? { ca } : {}),
            ...(opts.fingerprint !== undefined ? { fingerprint: opts.fingerprint } : {}),
            ...(opts.insecureSkipTlsVerify ? { insecureSkipVerify: true } : {}),
          },
          track: opts.track,
          service: opts.service,
          version: opts.version,
          environment: opts.environment,
        });
        const where = displayUrl(request.url);
        if (request.tls.insecureSkipVerify && request.url.protocol === 'https:') {
          io.err(
            `warning: TLS certificate verification is off (--insecure-skip-tls-verify): whoever sits between this machine and ${where} can read the credentials and change the hits\n`,
          );
        }
        if (request.url.protocol === 'http:' && auth.kind !== 'none') {
          io.err(`warning: ${where} is plain http: the credentials cross the network unencrypted\n`);
        }

        const controller = new AbortController();
        const onSigint = (): void => controller.abort();
        process.once('SIGINT', onSigint);
        const db = openCase(casePath, { create: true });
        let result: PullResult;
        try {
          const onProgress = opts.json ? undefined : pullProgressPrinter(process.stderr);
          result = await pullIntoCase(db, request, {
            signal: controller.signal,
            requestTimeoutMs: timeoutSeconds * 1000,
            ...(onProgress ? { onProgress } : {}),
          });
        } finally {
          process.removeListener('SIGINT', onSigint);
          clearProgress(process.stderr);
          closeCase(db);
        }
        if (opts.json) io.out(JSON.stringify(result, null, 2) + '\n');
        else printPull(io, result, where);
        setExit(result.state === 'incomplete' ? codes.interrupted : result.rejects > 0 ? codes.rejects : codes.ok);
      } catch (error) {
        // Whatever failed, its message leaves without the credentials.
        if (error instanceof CoalmineError) {
          throw new CoalmineError(error.code, scrub(error.message, secrets));
        }
        throw new CoalmineError('INTERNAL', scrub(`the pull failed: ${String((error as Error).message)}`, secrets));
      }
    });
}
