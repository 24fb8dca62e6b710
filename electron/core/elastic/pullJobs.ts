// Pulls started from the UI run as jobs, like file imports (importJobs.ts): `pull.start`
// checks the request and answers with a job id at once; the renderer polls `pull.status`
// (hits done of hits.total, rate, time left) and may `pull.cancel`. One pull at a time. The
// request, with its credentials, lives only inside the running job; no status carries it.
import type { PullJobStatus, PullSummary } from '../../../shared/api.js';
import { CoalmineError } from '../../../shared/errors.js';
import type { CaseDb } from '../case/caseStore.js';
import { createJobRegistry } from '../jobs.js';
import { scrub, secretsOf } from './clusterClient.js';
import { type PullOptions, type PullResult, pullIntoCase } from './pull.js';
import type { PullRequest } from './pullRequest.js';

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
    duplicates: result.duplicates,
    duplicatesHeldBy: result.duplicatesHeldBy,
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
  /** True while a pull writes to the case. */
  busy(): boolean;
}

export function createPullJobs(options: PullJobOptions = {}): PullJobs {
  const jobs = createJobRegistry<PullJobStatus>('pull');
  return {
    busy: () => jobs.busy(),
    start(db, request) {
      const secrets = secretsOf(request.auth);
      return jobs.start(
        (jobId) => ({ jobId, state: 'running', progress: null, result: null, error: null }),
        ({ status, controller }) =>
          pullIntoCase(db, request, {
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
          ),
      );
    },
    status: (jobId) => jobs.status(jobId),
    cancel: (jobId) => jobs.cancel(jobId),
    settled: (jobId) => jobs.settled(jobId),
  };
}
