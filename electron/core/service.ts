// The API implementation: one function per method of the contract in shared/api.ts. The
// IPC handlers (Electron) and the HTTP routes (web mode) both go through `dispatch`, which
// parses the input with the method's schema before anything else sees it; in the app and in
// web mode that happens on the service thread (serviceThread.ts), which owns the case.
import { DEFAULT_ZONE, parseTypedTime } from './ingest/time.js';
import path from 'node:path';
import { z } from 'zod';
import {
  type ApiInput,
  type ApiMethod,
  type ApiResults,
  type CaseInfo,
  type ReviewExport,
  type SettingsResult,
  apiMethods,
  isApiMethod,
} from '../../shared/api.js';
import { type ApiEnvelope, CoalmineError } from '../../shared/errors.js';
import { type AnalysisSettings, DEFAULT_ANALYSIS_SETTINGS } from '../../shared/analysisSettings.js';
import { defineRollout, findRolloutWindow, listRollouts, removeRolloutDefinition } from './analysis/rollouts.js';
import { type CaseDb, closeCase } from './case/caseStore.js';
import { countEvents } from './case/events.js';
import {
  readAnalysisSettings,
  resetAnalysisSettings,
  savedAnalysisSettingKeys,
  writeAnalysisSettings,
} from './case/analysisSettings.js';
import { readReviewNotes, saveReviewNotes } from './case/reviewNotes.js';
import { listSources } from './case/sources.js';
import { type PullJobOptions, createPullJobs } from './elastic/pullJobs.js';
import { buildPullRequest, checkCaPem } from './elastic/pullRequest.js';
import { type FilePicker, createImportJobs } from './importJobs.js';
import { importChoices } from './ingest/importOptions.js';
import { type PdfPrinter, renderReview, reviewFileName } from './review/renderReview.js';
import { buildReviewDocument } from './review/reviewModel.js';
import type { ReviewFormat } from '../../shared/review.js';
import { parseTaggingRules } from '../../shared/taggingRules.js';
import { guardedWrite, refuseCaseWrite } from './caseWrites.js';
import { resetTaggingRules, retagCase, saveTaggingRules, taggingState } from './case/retag.js';
import { analyseRolloutForPage } from './review/rolloutOnPage.js';

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

export function caseInfo(opened: OpenCase, canOpenOther = false, canImport = false): CaseInfo {
  return {
    path: opened.path,
    name: path.basename(opened.path),
    readOnly: opened.readOnly,
    canOpenOther,
    canImport: canImport && !opened.readOnly,
    events: countEvents(opened.db),
    sources: listSources(opened.db),
  };
}

function settingsResult(db: CaseDb, settings: AnalysisSettings): SettingsResult {
  return { settings, defaults: DEFAULT_ANALYSIS_SETTINGS, saved: savedAnalysisSettingKeys(db) };
}

export interface ReviewExportRequest {
  rolloutId?: string;
  format: ReviewFormat;
  pseudonymise: boolean;
}

/**
 * The review of one rollout in one format, as the API returns it. A PDF is the HTML review
 * printed by `printPdf` where the host has one (the desktop app), so it looks like the HTML;
 * elsewhere (CLI, web mode) the PDF renderer draws it.
 */
export async function exportReview(
  db: CaseDb,
  { rolloutId, format, pseudonymise }: ReviewExportRequest,
  printPdf?: PdfPrinter,
): Promise<ReviewExport> {
  const doc = buildReviewDocument(db, { ...(rolloutId === undefined ? {} : { rolloutId }), pseudonymise });
  const rendered = await renderReview(doc, format, printPdf);
  const binary = format === 'pdf';
  return {
    format,
    fileName: reviewFileName(doc.rolloutId, format),
    mediaType: rendered.mediaType,
    encoding: binary ? 'base64' : 'utf8',
    content: rendered.bytes.toString(binary ? 'base64' : 'utf8'),
  };
}

/** What the surface hosting the service can do for it (the desktop app's dialogs). */
export interface ServiceHost {
  chooseCase?: CaseChooser;
  /** Lets the user pick log files to import: a dialog, or the folder web mode was given. */
  pickFiles?: FilePicker;
  /** Tests: how pulls reach the cluster (the mock's connection) and wait between retries. */
  pullOptions?: PullJobOptions;
  /** The desktop app prints PDF reviews with Electron; without it the PDF renderer draws them. */
  printPdf?: PdfPrinter;
}

export function createService(initial: OpenCase, host: ServiceHost = {}): Service {
  const { chooseCase } = host;
  let current = initial;
  const imports = createImportJobs(host.pickFiles);
  const pulls = createPullJobs(host.pullOptions);
  /** An import or a pull writes to the open case. */
  const writing = (): boolean => imports.busy() || pulls.busy();
  /**
   * Every writing method writes through the guard (caseWrites.ts), in one IMMEDIATE transaction
   * with it; `what` ends the refusal's sentence. An import or a pull only asks first: it writes
   * for minutes, and checks again as it creates its source (importFile.ts, elastic/pull.ts).
   */
  const guarded = <T>(what: string, write: () => T): T => guardedWrite(current, writing(), what, write);
  const refuseWrite = (what: string): void => refuseCaseWrite(current, writing(), what);
  return {
    'case.info': () => caseInfo(current, chooseCase !== undefined, host.pickFiles !== undefined),
    'case.open': async ({ readOnly }) => {
      if (!chooseCase) {
        throw new CoalmineError(
          'FORBIDDEN',
          'this window serves one case; open another with `coalmine web <case>` or in the desktop app',
        );
      }
      // A running import or pull writes to the open case: it must end before the case is closed.
      if (writing()) {
        throw new CoalmineError(
          'BUSY',
          'an import or a pull is running; wait for it or cancel it, then open another case',
        );
      }
      const next = await chooseCase({ readOnly });
      if (!next) return null;
      // The dialog may have stayed open while the page started one.
      if (writing()) {
        closeCase(next.db);
        throw new CoalmineError(
          'BUSY',
          'an import or a pull started while the case was being chosen; open it again once it ends',
        );
      }
      const previous = current;
      current = next;
      closeCase(previous.db);
      return caseInfo(current, true, host.pickFiles !== undefined);
    },
    'rollout.list': () => listRollouts(current.db),
    'rollout.analyse': ({ rolloutId }) => analyseRolloutForPage(current.db, rolloutId),
    'rollout.define': ({ service, environment, canaryVersion, stableVersion, from, to }) =>
      guarded('no rollout can be defined in it', () =>
        defineRollout(current.db, {
          service,
          environment,
          canaryVersion,
          stableVersion,
          from: from === undefined ? undefined : parseTypedTime(from, DEFAULT_ZONE, "the window's start"),
          to: to === undefined ? undefined : parseTypedTime(to, DEFAULT_ZONE, "the window's end"),
        }),
      ),
    'rollout.remove': ({ rolloutId }) =>
      guarded('no rollout can be removed from it', () => removeRolloutDefinition(current.db, rolloutId)),
    'settings.get': () => settingsResult(current.db, readAnalysisSettings(current.db)),
    'settings.update': ({ changes }) =>
      guarded('its settings cannot be saved', () =>
        settingsResult(current.db, writeAnalysisSettings(current.db, changes)),
      ),
    'settings.reset': ({ keys }) =>
      guarded('its settings cannot be reset', () =>
        settingsResult(current.db, resetAnalysisSettings(current.db, keys)),
      ),
    'tagging.get': () => taggingState(current.db),
    // The state is read after the write commits: it scans every event, which would hold the
    // write lock (and every other writer) for seconds on a large case.
    'tagging.save': ({ rules }) => {
      guarded('its tagging rules cannot be saved', () => saveTaggingRules(current.db, parseTaggingRules({ rules })));
      return taggingState(current.db);
    },
    'tagging.reset': () => {
      guarded('its tagging rules cannot be reset', () => resetTaggingRules(current.db));
      return taggingState(current.db);
    },
    'tagging.retag': () => guarded('it cannot be re-tagged', () => retagCase(current.db)),
    'review.export': (request) => exportReview(current.db, request, host.printPdf),
    'review.document': ({ rolloutId, pseudonymise }) => buildReviewDocument(current.db, { rolloutId, pseudonymise }),
    'review.notes.get': ({ rolloutId }) => readReviewNotes(current.db, rolloutId),
    'review.notes.save': ({ rolloutId, notes }) =>
      guarded('review notes cannot be saved in it', () => {
        // Notes are kept per rollout: refuse an id that names none, rather than keep them where no review reads them.
        findRolloutWindow(current.db, rolloutId);
        return saveReviewNotes(current.db, rolloutId, notes);
      }),
    'ingest.pick': () => imports.pick(),
    'ingest.start': ({ files, ...options }) => {
      refuseWrite('nothing can be imported into it');
      return imports.start(current.db, files, options);
    },
    'ingest.choices': () => importChoices(current.db),
    'job.status': ({ jobId }) => imports.status(jobId),
    'job.cancel': ({ jobId }) => imports.cancel(jobId),
    'pull.start': (input) => {
      refuseWrite('nothing can be pulled into it');
      const request = buildPullRequest({
        ...input,
        tls: {
          ...(input.tls?.caPem ? { ca: checkCaPem(input.tls.caPem, 'the CA certificate given') } : {}),
          ...(input.tls?.fingerprint ? { fingerprint: input.tls.fingerprint } : {}),
          ...(input.tls?.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
        },
      });
      return pulls.start(current.db, request);
    },
    'pull.status': ({ jobId }) => pulls.status(jobId),
    'pull.cancel': ({ jobId }) => pulls.cancel(jobId),
  };
}

/** How a surface (IPC, HTTP) calls the API: by name, with unparsed input, for an envelope. */
export type ApiCaller = (method: string, input: unknown) => Promise<ApiEnvelope<unknown>>;

/** Calls `service` on this thread (tests, and the CLI's in-process uses); the app serves it from a worker (serviceThread.ts). */
export function inProcessCaller(service: Service): ApiCaller {
  return (method, input) => dispatch(service, method, input);
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
