import { type FormEvent, useCallback, useState } from 'react';
import type { ApiInput, CoalmineApi, PullJobStatus } from '../../../shared/api';
import { formatCount } from '../../../shared/metricFormat';
import { formatDuration } from '../../../shared/ukTime';
import { errorText, usePolledJob } from '../usePolledJob';

type AuthKind = 'none' | 'apiKey' | 'basic';

interface Form {
  url: string;
  index: string;
  from: string;
  to: string;
  query: string;
  authKind: AuthKind;
  apiKey: string;
  username: string;
  password: string;
  fingerprint: string;
  insecureSkipVerify: boolean;
  track: '' | 'canary' | 'stable';
}

const EMPTY: Form = {
  url: 'https://localhost:9200',
  index: 'logs-*',
  from: '',
  to: '',
  query: '',
  authKind: 'none',
  apiKey: '',
  username: '',
  password: '',
  fingerprint: '',
  insecureSkipVerify: false,
  track: '',
};

/** The request as the API takes it; secrets go in it and nowhere else (never into state kept after). */
function request(form: Form): ApiInput<'pull.start'> {
  const auth =
    form.authKind === 'apiKey'
      ? { kind: 'apiKey' as const, apiKey: form.apiKey }
      : form.authKind === 'basic'
        ? { kind: 'basic' as const, username: form.username, password: form.password }
        : { kind: 'none' as const };
  const tls = {
    ...(form.fingerprint.trim() ? { fingerprint: form.fingerprint.trim() } : {}),
    ...(form.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
  };
  return {
    url: form.url.trim(),
    index: form.index.trim(),
    from: form.from.trim(),
    to: form.to.trim(),
    ...(form.query.trim() ? { query: form.query.trim() } : {}),
    auth,
    ...(Object.keys(tls).length > 0 ? { tls } : {}),
    ...(form.track ? { track: form.track } : {}),
  };
}

function Result({ status }: { status: PullJobStatus }) {
  const r = status.result;
  return (
    <div data-testid="pull-result" data-state={status.state} data-ready="true">
      <h2>
        {status.state === 'done' ? 'Pull finished' : status.state === 'cancelled' ? 'Pull cancelled' : 'Pull failed'}
      </h2>
      {status.error !== null && (
        <p className="error" role="alert">
          {status.error}
        </p>
      )}
      {r && (
        <p>
          {r.duplicateOf
            ? `These hits were already pulled as source #${r.duplicateOf.id}; nothing was added.`
            : `${formatCount(r.events)} events from ${formatCount(r.hits)} hits of ${r.cluster.name || 'the cluster'} (${formatCount(r.pages)} pages), ${formatCount(r.rejects)} rejected, ${formatCount(r.authFailures)} authentication failures; source ${r.state}.`}
          {r.duplicates > 0
            ? ` ${formatCount(r.duplicates)} hits were already in the case (source ${r.duplicatesHeldBy.map((id) => `#${id}`).join(', ')}): stored once, not counted twice.`
            : ''}
          {r.message ? ` ${r.message}` : ''}
        </p>
      )}
    </div>
  );
}

/** Pulls a window of events from Elasticsearch into the open case (point in time + search_after). */
export function PullPanel({
  api,
  enabled,
  onPulled,
}: {
  api: CoalmineApi;
  /** Whether the case can be written; null while it is being read again (the panel stays as it is). */
  enabled: boolean | null;
  onPulled: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState<Form>(EMPTY);
  const [job, setJob] = useState<{ jobId: string; status: PullJobStatus | null } | null>(null);
  const [finished, setFinished] = useState<PullJobStatus | null>(null);
  const [error, setError] = useState<string | null>(null);

  const jobId = job?.jobId ?? null;
  const readStatus = useCallback((id: string) => api['pull.status']({ jobId: id }), [api]);
  const onStatus = useCallback(
    (status: PullJobStatus) => {
      if (status.state === 'running') {
        setJob({ jobId: status.jobId, status });
      } else {
        setJob(null);
        setFinished(status);
        onPulled();
      }
    },
    [onPulled],
  );
  usePolledJob(jobId, readStatus, onStatus, setError);

  const set =
    <K extends keyof Form>(key: K) =>
    (value: Form[K]): void =>
      setForm((f) => ({ ...f, [key]: value }));

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setError(null);
    setFinished(null);
    api['pull.start'](request(form)).then(
      ({ jobId: started }) => {
        // The secrets served their one purpose: they are not kept in the page.
        setForm((f) => ({ ...f, apiKey: '', password: '' }));
        setJob({ jobId: started, status: null });
      },
      (err: unknown) => setError(errorText(err)),
    );
  };

  const progress = job?.status?.progress ?? null;
  if (enabled === false || (enabled === null && !open && job === null && finished === null)) return null;
  return (
    <section className="import" aria-label="Pull from Elasticsearch" data-testid="pull-panel">
      {!open && job === null && (
        <button type="button" data-testid="pull-open" onClick={() => setOpen(true)}>
          Pull from Elasticsearch…
        </button>
      )}
      {open && job === null && (
        <form className="pull-form" onSubmit={submit} data-testid="pull-form">
          <h2>Pull from Elasticsearch</h2>
          <label>
            Cluster URL <input value={form.url} onChange={(e) => set('url')(e.target.value)} data-testid="pull-url" />
          </label>
          <label>
            Index pattern{' '}
            <input value={form.index} onChange={(e) => set('index')(e.target.value)} data-testid="pull-index" />
          </label>
          <label>
            From{' '}
            <input
              value={form.from}
              placeholder="DD/MM/YYYY HH:mm:ss (Europe/London) or ISO 8601"
              onChange={(e) => set('from')(e.target.value)}
              data-testid="pull-from"
            />
          </label>
          <label>
            To{' '}
            <input
              value={form.to}
              placeholder="DD/MM/YYYY HH:mm:ss (Europe/London) or ISO 8601"
              onChange={(e) => set('to')(e.target.value)}
              data-testid="pull-to"
            />
          </label>
          <label>
            Query (Lucene, optional){' '}
            <input value={form.query} onChange={(e) => set('query')(e.target.value)} data-testid="pull-query" />
          </label>
          <label>
            Credentials{' '}
            <select value={form.authKind} onChange={(e) => set('authKind')(e.target.value as AuthKind)}>
              <option value="none">none</option>
              <option value="apiKey">API key</option>
              <option value="basic">user and password</option>
            </select>
          </label>
          {form.authKind === 'apiKey' && (
            <label>
              API key{' '}
              <input
                type="password"
                autoComplete="off"
                value={form.apiKey}
                onChange={(e) => set('apiKey')(e.target.value)}
              />
            </label>
          )}
          {form.authKind === 'basic' && (
            <>
              <label>
                User <input value={form.username} onChange={(e) => set('username')(e.target.value)} />
              </label>
              <label>
                Password{' '}
                <input
                  type="password"
                  autoComplete="off"
                  value={form.password}
                  onChange={(e) => set('password')(e.target.value)}
                />
              </label>
            </>
          )}
          {form.authKind !== 'none' && /^http:\/\//i.test(form.url.trim()) && (
            <p className="notice" role="status" data-testid="pull-plain-http">
              This cluster URL is plain http: the credentials would cross the network unencrypted. Use https where you
              can.
            </p>
          )}
          <label>
            CA fingerprint (SHA-256, optional){' '}
            <input value={form.fingerprint} onChange={(e) => set('fingerprint')(e.target.value)} />
          </label>
          <label>
            <input
              type="checkbox"
              checked={form.insecureSkipVerify}
              onChange={(e) => set('insecureSkipVerify')(e.target.checked)}
            />{' '}
            Skip TLS certificate verification (insecure)
          </label>
          <label>
            Track of every event{' '}
            <select value={form.track} onChange={(e) => set('track')(e.target.value as Form['track'])}>
              <option value="">as the documents say (tagging rules)</option>
              <option value="canary">canary</option>
              <option value="stable">stable</option>
            </select>
          </label>
          <span className="actions">
            <button type="submit" data-testid="pull-start">
              Pull
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              Close
            </button>
          </span>
        </form>
      )}
      {job !== null && (
        <div data-testid="pull-progress">
          <h2>Pulling…</h2>
          <progress
            max={100}
            value={progress?.hitsTotal ? Math.min(100, (100 * progress.hitsDone) / progress.hitsTotal) : 0}
            aria-label="pull progress"
          />
          {progress && (
            <p className="muted">
              {formatCount(progress.hitsDone)}
              {progress.hitsTotal !== null ? ` of ${formatCount(progress.hitsTotal)}` : ''} hits ·{' '}
              {formatCount(Math.round(progress.hitsPerSecond))} hits/s
              {progress.secondsLeft !== null ? ` · ${formatDuration(progress.secondsLeft * 1000)} left` : ''}
            </p>
          )}
          <button
            type="button"
            data-testid="pull-cancel"
            onClick={() => {
              api['pull.cancel']({ jobId: job.jobId }).catch((e: unknown) => setError(errorText(e)));
            }}
          >
            Cancel
          </button>
        </div>
      )}
      {finished !== null && job === null && <Result status={finished} />}
      {error !== null && (
        <p className="error" role="alert" data-testid="pull-error">
          {error}
        </p>
      )}
    </section>
  );
}
