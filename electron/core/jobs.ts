// Long work started from the UI (an import, a pull) runs as a job: it answers a job id at once,
// the renderer polls the job's status until it has ended, and may cancel it. One job of a kind
// runs at a time (each writes to the open case); the last finished ones are kept for polling.
import { randomBytes } from 'node:crypto';
import { CoalmineError } from '../../shared/errors.js';

const MAX_FINISHED_JOBS = 20;

export interface Job<S> {
  status: S;
  controller: AbortController;
}

export interface JobRegistry<S extends { state: string }> {
  /** True while a job runs. */
  busy(): boolean;
  /** Throws BUSY while a job runs: call it before preparing another. */
  assertIdle(): void;
  /** Starts `work` as a job whose first status is `initial(jobId)`. */
  start(initial: (jobId: string) => S, work: (job: Job<S>) => Promise<void>): { jobId: string };
  status(jobId: string): S;
  cancel(jobId: string): S;
  /** Resolves when the job has ended (tests, and a window that closes). */
  settled(jobId: string): Promise<S>;
}

/** `kind` names the work in messages: "import" gives "an import is running…". */
export function createJobRegistry<S extends { state: string }>(kind: 'import' | 'pull'): JobRegistry<S> {
  const jobs = new Map<string, Job<S> & { done: Promise<void> }>();
  const busy = (): boolean => [...jobs.values()].some((j) => j.status.state === 'running');
  const find = (jobId: string): Job<S> & { done: Promise<void> } => {
    const job = jobs.get(jobId);
    if (!job) throw new CoalmineError('NOT_FOUND', `no ${kind} job "${jobId.slice(0, 40)}"`);
    return job;
  };
  const assertIdle = (): void => {
    if (busy()) {
      throw new CoalmineError(
        'BUSY',
        `${kind === 'import' ? 'an' : 'a'} ${kind} is running; wait for it or cancel it first`,
      );
    }
  };
  return {
    busy,
    assertIdle,
    start(initial, work) {
      assertIdle();
      const finished = [...jobs.entries()].filter(([, j]) => j.status.state !== 'running');
      for (const [id] of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED_JOBS))) jobs.delete(id);
      const jobId = randomBytes(12).toString('base64url');
      const job = { status: initial(jobId), controller: new AbortController() };
      jobs.set(jobId, { ...job, done: work(job) });
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
