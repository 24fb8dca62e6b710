// Imports started from the UI run as jobs: the renderer asks for files to be picked (the
// desktop app's own dialog, or the folder `coalmine web --import-dir` was given), gets opaque
// ids for them (a path never comes from the renderer), starts a job on some of them and
// polls its status (bytes and events done, rate, time left) until it ends; it can cancel it.
// One job runs at a time: the case has one writer.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ImportFileResult, JobStatus, PickedFiles } from '../../shared/api.js';
import { CoalmineError } from '../../shared/errors.js';
import type { CaseDb } from './case/caseStore.js';
import { type ImportResult, importFile } from './ingest/importFile.js';
import { type ImportRequest, type ResolvedImport, checkImportRequest, resolveImport } from './ingest/importOptions.js';
import { type Job, createJobRegistry } from './jobs.js';

/** Asks the user for log files; null when they cancel. Returns absolute paths. */
export type FilePicker = () => Promise<{ paths: string[]; folder: string | null } | null>;

/** Every regular, non-hidden file directly inside `folder` (the folder the user named). */
export function folderPicker(folder: string): FilePicker {
  const root = fs.realpathSync(folder);
  return () => {
    const paths = fs
      .readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
      .map((entry) => path.join(root, entry.name))
      .sort();
    return Promise.resolve({ paths, folder: root });
  };
}

function summary(result: ImportResult): ImportFileResult {
  return {
    name: path.basename(result.path),
    state: result.state,
    format: result.format,
    events: result.events,
    rejects: result.rejects,
    authFailures: result.authFailures,
    exceptions: result.exceptions,
    rejectSample: result.rejectSample.slice(0, 5),
    duplicateOf: result.duplicateOf?.id ?? null,
  };
}

export interface ImportJobs {
  pick(): Promise<PickedFiles | null>;
  /**
   * Starts importing the picked files with the options of `coalmine import`, the same for every
   * file; a bad option is refused here, before the job starts, naming the option.
   */
  start(db: CaseDb, fileIds: string[], request: ImportRequest): { jobId: string };
  status(jobId: string): JobStatus;
  cancel(jobId: string): JobStatus;
  /** True while an import writes to the case. */
  busy(): boolean;
}

export function createImportJobs(picker: FilePicker | undefined): ImportJobs {
  // Ids of the files the user picked, to their paths: the only paths an import from the UI reads.
  const picked = new Map<string, string>();
  const jobs = createJobRegistry<JobStatus>('import');

  async function run(db: CaseDb, job: Job<JobStatus>, paths: string[], resolved: ResolvedImport): Promise<void> {
    const { status } = job;
    for (const file of paths) {
      if (job.controller.signal.aborted) break;
      status.currentFile = path.basename(file);
      status.progress = null;
      try {
        const result = await importFile(db, file, {
          ...resolved.options,
          signal: job.controller.signal,
          onProgress: (progress) => {
            status.progress = progress;
          },
        });
        status.results.push(summary(result));
      } catch (error) {
        status.state = 'failed';
        status.error = error instanceof CoalmineError ? error.message : `importing ${path.basename(file)} failed`;
        if (!(error instanceof CoalmineError)) console.error(error);
        return;
      }
      status.filesDone += 1;
    }
    status.currentFile = null;
    status.state = job.controller.signal.aborted ? 'cancelled' : 'done';
  }

  return {
    async pick() {
      if (!picker) return null;
      const chosen = await picker();
      if (!chosen) return null;
      picked.clear();
      const files = chosen.paths.map((p) => {
        const id = randomBytes(12).toString('base64url');
        picked.set(id, p);
        let size = 0;
        try {
          size = fs.statSync(p).size;
        } catch {
          // listed a moment ago; the import says what is wrong with it
        }
        return { id, name: path.basename(p), size };
      });
      return { folder: chosen.folder, files };
    },
    start(db, fileIds, request) {
      jobs.assertIdle();
      const paths = fileIds.map((id) => {
        const p = picked.get(id);
        if (!p) throw new CoalmineError('BAD_INPUT', 'a file was not picked in this window; pick the files again');
        return p;
      });
      const resolved = resolveImport(db, checkImportRequest(request, 'api'), 'api');
      return jobs.start(
        (jobId) => ({
          jobId,
          state: 'running',
          filesTotal: paths.length,
          filesDone: 0,
          currentFile: null,
          progress: null,
          results: [],
          error: null,
        }),
        (job) => run(db, job, paths, resolved),
      );
    },
    status: (jobId) => jobs.status(jobId),
    busy: () => jobs.busy(),
    cancel: (jobId) => jobs.cancel(jobId),
  };
}
