import { useCallback, useEffect, useRef, useState } from 'react';
import type { CoalmineApi, DesktopEvents } from '../../../shared/api';
import type { ReviewFormat } from '../../../shared/review';
import { downloadExport } from '../download';

const FORMATS: { format: ReviewFormat; label: string }[] = [
  { format: 'md', label: 'Markdown' },
  { format: 'html', label: 'HTML' },
  { format: 'pdf', label: 'PDF' },
  { format: 'json', label: 'JSON' },
];

type ExportState = { kind: 'busy' | 'done'; text: string } | { kind: 'failed'; text: string } | null;

/**
 * The review's Export menu: one format at a time, downloaded as a file. Personal data is
 * pseudonymised unless the analyst turns the switch off. The desktop app's own Export menu
 * runs the same flow (`events`).
 */
export function ExportMenu({
  api,
  rolloutId,
  events,
}: {
  api: CoalmineApi;
  rolloutId: string;
  events: DesktopEvents | null;
}) {
  const [open, setOpen] = useState(false);
  const [pseudonymise, setPseudonymise] = useState(true);
  const [state, setState] = useState<ExportState>(null);
  const firstItem = useRef<HTMLButtonElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  const exportAs = useCallback(
    (format: ReviewFormat) => {
      setOpen(false);
      const label = FORMATS.find((f) => f.format === format)?.label ?? format;
      setState({ kind: 'busy', text: `Exporting the review as ${label}…` });
      api['review.export']({ rolloutId, format, pseudonymise }).then(
        (file) => {
          downloadExport(file);
          setState({ kind: 'done', text: `Exported ${file.fileName}` });
        },
        (error: unknown) => setState({ kind: 'failed', text: error instanceof Error ? error.message : String(error) }),
      );
    },
    [api, rolloutId, pseudonymise],
  );

  useEffect(() => events?.onMenuExport(exportAs), [events, exportAs]);
  useEffect(() => {
    if (open) firstItem.current?.focus();
  }, [open]);

  return (
    <div
      className="export"
      data-testid="export"
      onBlur={(event) => {
        // Focus leaving the button and its menu closes the menu, as a click elsewhere does.
        if (!event.currentTarget.contains(event.relatedTarget)) setOpen(false);
      }}
    >
      <button
        type="button"
        ref={button}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls="export-menu"
        onClick={() => setOpen((o) => !o)}
        data-testid="export-button"
      >
        Export review
      </button>
      {open && (
        <div
          className="export-menu"
          role="menu"
          id="export-menu"
          aria-label="Export the review as"
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              setOpen(false);
              button.current?.focus();
            }
          }}
        >
          {FORMATS.map(({ format, label }, i) => (
            <button
              key={format}
              type="button"
              role="menuitem"
              ref={i === 0 ? firstItem : undefined}
              onClick={() => exportAs(format)}
              data-testid={`export-${format}`}
            >
              {label}
            </button>
          ))}
        </div>
      )}
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={pseudonymise}
          aria-checked={pseudonymise}
          onChange={(e) => setPseudonymise(e.target.checked)}
          data-testid="export-pseudonymise"
        />{' '}
        Pseudonymise personal data
      </label>
      {state !== null && (
        <span
          className={state.kind === 'failed' ? 'error' : 'muted'}
          role={state.kind === 'failed' ? 'alert' : 'status'}
          data-testid="export-status"
          data-state={state.kind}
        >
          {state.text}
        </span>
      )}
    </div>
  );
}
