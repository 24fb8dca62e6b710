// The API implementation: one function per method of the contract in shared/api.ts. The
// IPC handlers (Electron) and the HTTP routes (web mode) both go through `dispatch`, which
// parses the input with the method's schema before anything else sees it.
import path from 'node:path';
import { z } from 'zod';
import {
  type ApiInput,
  type ApiMethod,
  type ApiResults,
  type CaseInfo,
  type PullProgress,
  type PullSummary,
  apiMethods,
  isApiMethod,
} from '../../shared/api.js';
import { type ApiEnvelope, CoalmineError } from '../../shared/errors.js';
import { analyseRollout } from './analysis/compare.js';
import { listRollouts } from './analysis/rollouts.js';
import { type CaseDb, closeCase } from './case/caseStore.js';
import { countEvents } from './case/events.js';
import { listSources } from './case/sources.js';
import { type PullOptions, type PullResult, pullIntoCase } from './elastic/pull.js';
import { buildPullRequest, checkCaPem } from './elastic/pullRequest.js';
import { markdownReviewOf } from './review/markdownReview.js';

export interface OpenCase {
  path: string;
  db: CaseDb;
  readOnly: boolean;
}

export type Service = { [M in ApiMethod]: (input: ApiInput<M>) => ApiResults[M] | Promise<ApiResults[M]> };

/**
 * Opens another case chosen by the user (the desktop app's file dialog); resolves to null
 * when the user cancels. Web mode and the CLI have none: they serve the case they were given.
 */
export type CaseChooser = (options: { readOnly: boolean }) => Promise<OpenCase | null>;

export function caseInfo(opened: OpenCase, canOpenOther = false): CaseInfo {
  return {
    path: opened.path,
    name: path.basename(opened.path),
    readOnly: opened.readOnly,
    canOpenOther,
    events: countEvents(opened.db),
    sources: listSources(opened.db),
  };
}

export function reviewFileName(rolloutId: string): string {
  return `review-${rolloutId.replace(/[^\w.-]/g, '_')}.md`;
}

export function pullSummary(result: PullResult): PullSummary {
  return {
    sourceId: result.sourceId,
    path: result.path,
    sha256: result.sha256,
    cluster: result.cluster,
    hitsTotal: result.hitsTotal,
    hits: result.lines,
    events: result.events,
    rejects: result.rejects,
    authFailures: result.authFailures,
    exceptions: result.exceptions,
    pages: result.pages,
    pitReopened: result.pitReopened,
    duplicateOf: result.duplicateOf,
    replaced: result.replaced,
    overlaps: result.overlaps,
    state: result.state,
    message: result.message,
  };
}

/** What the service passes on to every pull (tests: the mock connection, a sleep that does not wait). */
export type ServicePullOptions = Pick<PullOptions, 'Connection' | 'sleep' | 'requestTimeoutMs'>;

export function createService(
  initial: OpenCase,
  chooseCase?: CaseChooser,
  pullOptions: ServicePullOptions = {},
): Service {
  let current = initial;
  // One pull at a time per window: it writes to the open case.
  let running: { controller: AbortController; progress: PullProgress | null } | null = null;
  return {
    'case.info': () => caseInfo(current, chooseCase !== undefined),
    'case.open': async ({ readOnly }) => {
      if (!chooseCase) {
        throw new CoalmineError(
          'FORBIDDEN',
          'this window serves one case; open another with `coalmine web <case>` or in the desktop app',
        );
      }
      const next = await chooseCase({ readOnly });
      if (!next) return null;
      const previous = current;
      current = next;
      closeCase(previous.db);
      return caseInfo(current, true);
    },
    'rollout.list': () => listRollouts(current.db),
    'rollout.analyse': ({ rolloutId }) => analyseRollout(current.db, rolloutId),
    'review.export': ({ rolloutId, format }) => ({
      format,
      fileName: reviewFileName(rolloutId),
      content: markdownReviewOf(current.db, rolloutId),
    }),
    'pull.start': async (input) => {
      if (current.readOnly)
        throw new CoalmineError('READ_ONLY', 'this case is open read-only: nothing can be pulled into it');
      if (running) throw new CoalmineError('BAD_INPUT', 'a pull is already running in this window; cancel it or wait');
      const request = buildPullRequest({
        ...input,
        tls: {
          ...(input.tls?.caPem ? { ca: checkCaPem(input.tls.caPem, 'the CA certificate given') } : {}),
          ...(input.tls?.fingerprint ? { fingerprint: input.tls.fingerprint } : {}),
          ...(input.tls?.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
        },
      });
      const job = { controller: new AbortController(), progress: null as PullProgress | null };
      running = job;
      const db = current.db;
      try {
        const result = await pullIntoCase(db, request, {
          ...pullOptions,
          signal: job.controller.signal,
          onProgress: (p) => {
            job.progress = p;
          },
        });
        return pullSummary(result);
      } finally {
        running = null;
      }
    },
    'pull.cancel': () => {
      if (!running) return { cancelled: false };
      running.controller.abort();
      return { cancelled: true };
    },
    'pull.progress': () => running?.progress ?? null,
  };
}

/**
 * Validates and runs one API call from an untrusted caller. Known errors keep their code and
 * message; anything else is reported as internal without its details, which go to `log`.
 */
export async function dispatch(
  service: Service,
  method: string,
  rawInput: unknown,
  log: (error: unknown) => void = (error) => console.error(error),
): Promise<ApiEnvelope<unknown>> {
  if (!isApiMethod(method)) {
    return { ok: false, error: { code: 'NOT_FOUND', message: `no API method "${method.slice(0, 100)}"` } };
  }
  const parsed = apiMethods[method].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'BAD_INPUT', message: `${method}: ${z.prettifyError(parsed.error)}` } };
  }
  try {
    const call = service[method] as (input: unknown) => unknown;
    return { ok: true, value: await call(parsed.data) };
  } catch (error) {
    if (error instanceof CoalmineError) return { ok: false, error: { code: error.code, message: error.message } };
    log(error);
    return { ok: false, error: { code: 'INTERNAL', message: `${method} failed inside Coalmine; see the log` } };
  }
}
