import { useEffect, useState } from 'react';

export type AsyncState<T> =
  { status: 'loading' } | { status: 'done'; value: T } | { status: 'failed'; message: string };

/**
 * Runs `load` (memoised by the caller with useCallback) whenever it changes. The answer is
 * kept with the `load` that produced it, so an older answer never shows for a newer request.
 */
export function useAsync<T>(load: () => Promise<T>): AsyncState<T> {
  const [result, setResult] = useState<{ request: () => Promise<T>; state: AsyncState<T> } | null>(null);
  useEffect(() => {
    let current = true;
    load().then(
      (value) => current && setResult({ request: load, state: { status: 'done', value } }),
      (error: unknown) =>
        current &&
        setResult({
          request: load,
          state: { status: 'failed', message: error instanceof Error ? error.message : String(error) },
        }),
    );
    return () => {
      current = false;
    };
  }, [load]);
  return result?.request === load ? result.state : { status: 'loading' };
}
