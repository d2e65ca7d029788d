/**
 * Whether `payback serve` answers (null: not asked yet), for the page shell's
 * footer, which loads before the scenario library (`data.ts`) that asks.
 */
import { useEffect, useState } from 'preact/hooks';

let online: boolean | null = null;
const listeners = new Set<(v: boolean | null) => void>();

export function setServerOnline(v: boolean): void {
  if (v === online) return;
  online = v;
  for (const l of listeners) l(v);
}

export function useServerOnline(): boolean | null {
  const [v, setV] = useState(online);
  useEffect(() => {
    listeners.add(setV);
    setV(online);
    return () => {
      listeners.delete(setV);
    };
  }, []);
  return v;
}
