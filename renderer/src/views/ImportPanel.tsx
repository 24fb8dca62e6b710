import { useCallback, useState } from 'react';
import type { CoalmineApi, IngestChoices, JobStatus, PickedFiles } from '../../../shared/api';
import { formatBytes, formatCount } from '../../../shared/metricFormat';
import { formatDuration } from '../../../shared/ukTime';
import { errorText, usePolledJob } from '../usePolledJob';
import {
  EMPTY_IMPORT_OPTIONS,
  type ImportOptionProblem,
  type ImportOptionValues,
  ImportOptionsForm,
  describeImportOptions,
  freshImportOptions,
  importOptionProblemText,
  importOptionsWithChoices,
  importRequestOptions,
  refusedImportOption,
} from './ImportOptions';

type Stage =
  | { kind: 'closed' }
  | { kind: 'choosing'; picked: PickedFiles; selected: Set<string> }
  | { kind: 'running'; jobId: string; status: JobStatus | null };

/** The lists the Options offer, read when files are picked (the saved mappings may have changed). */
type Choices = { kind: 'loading' } | { kind: 'done'; value: IngestChoices } | { kind: 'failed'; message: string };

function counted(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function ProgressLine({ status }: { status: JobStatus }) {
  const p = status.progress;
  const percent = p && p.bytesTotal > 0 ? Math.min(100, (100 * p.bytesDone) / p.bytesTotal) : 0;
  return (
    <div data-testid="import-progress">
      <progress max={100} value={percent} aria-label="import progress" />
      <p className="muted">
        File {Math.min(status.filesDone + 1, status.filesTotal)} of {status.filesTotal}
        {status.currentFile !== null ? `: ${status.currentFile}` : ''}
        {p
          ? ` · ${percent.toFixed(0)} % · ${formatCount(p.events)} events · ${formatCount(Math.round(p.eventsPerSecond))} events/s` +
            (p.secondsLeft !== null ? ` · ${formatDuration(p.secondsLeft * 1000)} left` : '')
          : ''}
      </p>
    </div>
  );
}

function Results({ status, options }: { status: JobStatus; options: string }) {
  const heading =
    status.state === 'done' ? 'Import finished' : status.state === 'cancelled' ? 'Import cancelled' : 'Import failed';
  return (
    <div data-testid="import-result" data-state={status.state} data-ready="true">
      <h2>{heading}</h2>
      <p className="muted" data-testid="import-result-options">
        Options for every file: {options}
      </p>
      {status.error !== null && (
        <p className="error" role="alert">
          {status.error}
        </p>
      )}
      <ul className="import-results">
        {status.results.map((r) => (
          <li key={r.name} data-testid="import-file-result">
            <strong>{r.name}</strong>:{' '}
            {r.duplicateOf !== null
              ? `already imported as source #${r.duplicateOf}; skipped`
              : `${counted(r.events, 'event')}, ${formatCount(r.rejects)} rejected, ${counted(r.authFailures, 'authentication failure')} (${r.format}${r.state === 'complete' ? '' : `, ${r.state}`})`}
            {r.rejectSample.length > 0 && (
              <ul className="rejects">
                {r.rejectSample.map((x) => (
                  <li key={x.line}>
                    line {formatCount(x.line)}: {x.reason}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Imports log files into the open case: the files come from the window's picker (the desktop
 * app's dialog, or web mode's --import-dir folder), never from a typed path.
 */
export function ImportPanel({
  api,
  enabled,
  onImported,
}: {
  api: CoalmineApi;
  /** Whether this window can import into this case; null while the case is being read again. */
  enabled: boolean | null;
  onImported: () => void;
}) {
  const [stage, setStage] = useState<Stage>({ kind: 'closed' });
  const [options, setOptions] = useState<ImportOptionValues>(EMPTY_IMPORT_OPTIONS);
  const [optionsOpen, setOptionsOpen] = useState(false);
  /** An option refused by the page or the core, marked on its field. */
  const [refused, setRefused] = useState<ImportOptionProblem | null>(null);
  const [choices, setChoices] = useState<Choices>({ kind: 'loading' });
  /** While `ingest.start` is asked, so a second press cannot start the import twice. */
  const [starting, setStarting] = useState(false);
  /** The options of the running or finished import, as the results name them. */
  const [startedWith, setStartedWith] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [finished, setFinished] = useState<JobStatus | null>(null);

  const jobId = stage.kind === 'running' ? stage.jobId : null;
  const readStatus = useCallback((id: string) => api['job.status']({ jobId: id }), [api]);
  const onStatus = useCallback(
    (status: JobStatus) => {
      if (status.state === 'running') {
        setStage({ kind: 'running', jobId: status.jobId, status });
      } else {
        setStage({ kind: 'closed' });
        setFinished(status);
        onImported();
      }
    },
    [onImported],
  );
  usePolledJob(jobId, readStatus, onStatus, setError);

  const refuse = (problem: ImportOptionProblem): void => {
    setRefused(problem);
    setError(importOptionProblemText(problem));
    setOptionsOpen(true);
  };

  const pick = (): void => {
    setError(null);
    setRefused(null);
    setFinished(null);
    api['ingest.pick']({}).then(
      (picked) => {
        if (picked === null) return;
        if (picked.files.length === 0) {
          setError(`No file to import in ${picked.folder ?? 'the chosen folder'}.`);
          return;
        }
        setStage({ kind: 'choosing', picked, selected: new Set(picked.files.map((f) => f.id)) });
        // New files, new options: what the last import was told (its track above all) must not
        // be applied to these unseen.
        setOptions(freshImportOptions);
        setOptionsOpen(false);
        setChoices({ kind: 'loading' });
        api['ingest.choices']({}).then(
          (value) => {
            setChoices({ kind: 'done', value });
            setOptions((current) => importOptionsWithChoices(current, value));
          },
          (e: unknown) => setChoices({ kind: 'failed', message: errorText(e) }),
        );
      },
      (e: unknown) => setError(errorText(e)),
    );
  };

  const loaded = choices.kind === 'done' ? choices.value : null;

  const start = (files: string[]): void => {
    if (starting) return;
    setError(null);
    setRefused(null);
    const request = importRequestOptions(options);
    if (!request.ok) {
      refuse(request.problem);
      return;
    }
    setStarting(true);
    api['ingest.start']({ files, ...request.options }).then(
      ({ jobId: started }) => {
        setStarting(false);
        setStartedWith(describeImportOptions(request.options, loaded));
        setStage({ kind: 'running', jobId: started, status: null });
      },
      (e: unknown) => {
        setStarting(false);
        const problem = refusedImportOption(e);
        if (problem !== null) refuse(problem);
        else setError(errorText(e));
      },
    );
  };

  const changeOptions = (next: ImportOptionValues): void => {
    setOptions(next);
    // A refused value, once changed, is no longer the one refused.
    if (refused !== null && next[refused.field] !== options[refused.field]) setRefused(null);
  };

  if (enabled === false || (enabled === null && stage.kind === 'closed' && finished === null)) return null;
  return (
    <section className="import" aria-label="Import logs" data-testid="import-panel">
      {stage.kind === 'closed' && (
        <button type="button" data-testid="import-open" onClick={pick}>
          Import logs…
        </button>
      )}
      {stage.kind === 'choosing' && (
        <div data-testid="import-choose">
          <h2>Import logs{stage.picked.folder !== null ? ` from ${stage.picked.folder}` : ''}</h2>
          <ul className="import-files">
            {stage.picked.files.map((f) => (
              <li key={f.id}>
                <label>
                  <input
                    type="checkbox"
                    checked={stage.selected.has(f.id)}
                    onChange={(e) => {
                      const selected = new Set(stage.selected);
                      if (e.target.checked) selected.add(f.id);
                      else selected.delete(f.id);
                      setStage({ ...stage, selected });
                    }}
                  />{' '}
                  {f.name} <span className="muted">({formatBytes(f.size)})</span>
                </label>
              </li>
            ))}
          </ul>
          <ImportOptionsForm
            values={options}
            onChange={changeOptions}
            choices={loaded}
            choicesError={choices.kind === 'failed' ? choices.message : null}
            open={optionsOpen}
            onToggle={setOptionsOpen}
            problem={refused}
          />
          <span className="actions">
            <button
              type="button"
              data-testid="import-start"
              disabled={stage.selected.size === 0 || starting}
              aria-busy={starting || undefined}
              onClick={() => start([...stage.selected])}
            >
              Import {stage.selected.size} file{stage.selected.size === 1 ? '' : 's'}
            </button>
            <button type="button" disabled={starting} onClick={() => setStage({ kind: 'closed' })}>
              Close
            </button>
          </span>
        </div>
      )}
      {stage.kind === 'running' && (
        <div>
          <h2>Importing…</h2>
          {stage.status && <ProgressLine status={stage.status} />}
          <button
            type="button"
            data-testid="import-cancel"
            onClick={() => {
              api['job.cancel']({ jobId: stage.jobId }).catch((e: unknown) => setError(errorText(e)));
            }}
          >
            Cancel
          </button>
        </div>
      )}
      {finished !== null && stage.kind === 'closed' && <Results status={finished} options={startedWith} />}
      {error !== null && (
        <p className="error" role="alert" data-testid="import-error">
          {error}
        </p>
      )}
    </section>
  );
}
