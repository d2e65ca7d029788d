import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson } from './api.ts';

const NARROW = '(max-width: 640px)';

/** Whether the screen is phone-narrow. */
export function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => typeof matchMedia !== 'undefined' && matchMedia(NARROW).matches);
  useEffect(() => {
    const mq = matchMedia(NARROW);
    const on = (): void => setNarrow(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return narrow;
}

/** `value`, but only after it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/** GET a JSON path of the API (null: nothing to fetch); refetched when the path or `rev` changes. */
export function useApi<T>(path: string | null, rev = 0): { data: T | undefined; error: string | undefined; loading: boolean } {
  const [state, setState] = useState<{ key: string; data?: T; error?: string }>({ key: '' });
  const key = `${path ?? ''}#${rev}`;
  useEffect(() => {
    if (path === null) return;
    const ctl = new AbortController();
    getJson<T>(path, ctl.signal).then(
      (data) => setState({ key, data }),
      (e: unknown) => {
        if (!ctl.signal.aborted) setState({ key, error: e instanceof Error ? e.message : String(e) });
      },
    );
    return () => ctl.abort();
  }, [key]);
  const current = state.key === key;
  // the last answer stays on screen while the next one loads
  return { data: state.data, error: current ? state.error : undefined, loading: path !== null && !current };
}
