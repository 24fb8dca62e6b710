import { useEffect } from 'react';

const POLL_MS = 250;

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Follows a job (an import, a pull) by polling its status while it runs: `onStatus` gets every
 * status, the last one once the job has ended. The callers memoise `read`, `onStatus` and
 * `onError` (useCallback), or the polling would restart on every render.
 */
export function usePolledJob<S extends { state: string }>(
  jobId: string | null,
  read: (jobId: string) => Promise<S>,
  onStatus: (status: S) => void,
  onError: (message: string) => void,
): void {
  useEffect(() => {
    if (jobId === null) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = (): void => {
      read(jobId).then(
        (status) => {
          if (!live) return;
          onStatus(status);
          if (status.state === 'running') timer = setTimeout(poll, POLL_MS);
        },
        (e: unknown) => live && onError(errorText(e)),
      );
    };
    poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [jobId, read, onStatus, onError]);
}
