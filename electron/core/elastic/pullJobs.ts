// Pulls started from the UI run as jobs, like file imports (importJobs.ts): `pull.start`
// checks the request and answers with a job id at once; the renderer polls `pull.status`
// (hits done of hits.total, rate, time left) and may `pull.cancel`. One pull at a time. The
// request, with its credentials, lives only inside the running job; no status carries it.
import { randomBytes } from 'node:crypto';
import type { PullJobStatus, PullSummary } from '../../../shared/api.js';
import { CoalmineError } from '../../../shared/errors.js';
import type { CaseDb } from '../case/caseStore.js';
import { scrub, secretsOf } from './clusterClient.js';
import { type PullOptions, type PullResult, pullIntoCase } from './pull.js';
import type { PullRequest } from './pullRequest.js';

const MAX_FINISHED_JOBS = 20;

/** What every pull of the service gets (tests: the mock connection, a sleep that does not wait). */
export type PullJobOptions = Pick<PullOptions, 'Connection' | 'sleep' | 'requestTimeoutMs'>;

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

export interface PullJobs {
  start(db: CaseDb, request: PullRequest): { jobId: string };
  status(jobId: string): PullJobStatus;
  cancel(jobId: string): PullJobStatus;
  /** Resolves when the job has ended (tests, and a window that closes). */
  settled(jobId: string): Promise<PullJobStatus>;
}

export function createPullJobs(options: PullJobOptions = {}): PullJobs {
  const jobs = new Map<string, { status: PullJobStatus; controller: AbortController; done: Promise<void> }>();
  const find = (jobId: string) => {
    const job = jobs.get(jobId);
    if (!job) throw new CoalmineError('NOT_FOUND', `no pull job "${jobId.slice(0, 40)}"`);
    return job;
  };
  const forgetOldJobs = (): void => {
    const finished = [...jobs.entries()].filter(([, j]) => j.status.state !== 'running');
    for (const [id] of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED_JOBS))) jobs.delete(id);
  };

  return {
    start(db, request) {
      if ([...jobs.values()].some((j) => j.status.state === 'running')) {
        throw new CoalmineError('BUSY', 'a pull is running; wait for it or cancel it first');
      }
      forgetOldJobs();
      const jobId = randomBytes(12).toString('base64url');
      const controller = new AbortController();
      const status: PullJobStatus = { jobId, state: 'running', progress: null, result: null, error: null };
      const secrets = secretsOf(request.auth);
      const done = pullIntoCase(db, request, {
        ...options,
        signal: controller.signal,
        onProgress: (progress) => {
          status.progress = progress;
        },
      }).then(
        (result) => {
          status.result = pullSummary(result);
          status.state = result.state === 'incomplete' ? 'cancelled' : 'done';
        },
        (error: unknown) => {
          status.state = 'failed';
          // Pull errors are already scrubbed; scrub again in case anything else slipped through.
          status.error = scrub(
            error instanceof CoalmineError ? error.message : 'the pull failed inside Coalmine',
            secrets,
          );
          if (!(error instanceof CoalmineError)) console.error(scrub(String(error), secrets));
        },
      );
      jobs.set(jobId, { status, controller, done });
      return { jobId };
    },
    status: (jobId) => find(jobId).status,
    cancel(jobId) {
      const job = find(jobId);
      job.controller.abort();
      return job.status;
    },
    async settled(jobId) {
      const job = find(jobId);
      await job.done;
      return job.status;
    },
  };
}
