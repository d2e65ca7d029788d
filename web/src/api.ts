/**
 * The dashboard's calls to the HTTP API (`payback serve`). Every call returns
 * data or throws an `ApiError` carrying the server's message and issue list.
 */
import type { Issue } from '../../src/model/issues.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly issues: Issue[];
  constructor(status: number, message: string, issues: Issue[] = []) {
    super(message);
    this.status = status;
    this.issues = issues;
  }
}

export interface ScenarioListItem {
  id: string;
  name?: string;
  operator?: string;
  builtin: boolean;
  version: number;
}

export interface StoredScenario {
  id: string;
  version: number;
  yaml: string;
  scenario?: unknown;
}

const TOKEN_KEY = 'payback-token';

/** The bearer token for writes, when the server asks for one (kept in this browser only). */
export function apiToken(): string {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}
export function setApiToken(token: string): void {
  try {
    if (token === '') localStorage.removeItem(TOKEN_KEY);
    else localStorage.setItem(TOKEN_KEY, token);
  } catch {
    /* storage unavailable: the token lasts this call only */
  }
}

function headers(json: boolean, write: boolean): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json' };
  if (json) h['content-type'] = 'application/json';
  const token = apiToken();
  if (write && token !== '') h['authorization'] = `Bearer ${token}`;
  return h;
}

async function fail(res: Response): Promise<never> {
  let message = `${res.status} ${res.statusText}`;
  let issues: Issue[] = [];
  try {
    const body = (await res.json()) as { error?: unknown; message?: unknown; issues?: unknown };
    const m = body.error ?? body.message;
    if (typeof m === 'string') message = m;
    else if (m !== undefined && m !== null && typeof m === 'object' && 'message' in m) message = String((m as { message: unknown }).message);
    if (Array.isArray(body.issues)) issues = body.issues as Issue[];
  } catch {
    /* not JSON */
  }
  throw new ApiError(res.status, message, issues);
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(`/api${path}`, { headers: headers(false, false), ...(signal && { signal }) });
  if (!res.ok) return fail(res);
  return (await res.json()) as T;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`/api${path}`, { method: 'POST', headers: headers(true, true), body: JSON.stringify(body) });
  if (!res.ok) return fail(res);
  return (await res.json()) as T;
}

export async function postText<T>(path: string, body: string, contentType: string): Promise<T> {
  const res = await fetch(`/api${path}`, {
    method: 'POST',
    headers: { ...headers(false, true), 'content-type': contentType },
    body,
  });
  if (!res.ok) return fail(res);
  return (await res.json()) as T;
}

/** POST a body and save the answer as a file download. */
export async function download(path: string, body: unknown, fallbackName: string): Promise<void> {
  const res = await fetch(`/api${path}`, { method: 'POST', headers: headers(true, true), body: JSON.stringify(body) });
  if (!res.ok) return fail(res);
  const blob = await res.blob();
  const cd = res.headers.get('content-disposition') ?? '';
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd)?.[1];
  saveBlob(blob, name !== undefined ? decodeURIComponent(name) : fallbackName);
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function listScenarios(signal?: AbortSignal): Promise<ScenarioListItem[]> {
  const body = await getJson<{ scenarios: ScenarioListItem[] } | ScenarioListItem[]>('/scenarios', signal);
  return Array.isArray(body) ? body : body.scenarios;
}
export const getScenario = (id: string, signal?: AbortSignal): Promise<StoredScenario> =>
  getJson(`/scenarios/${encodeURIComponent(id)}`, signal);
export const saveScenario = (yaml: string): Promise<{ id: string; version: number; created?: boolean }> => postJson('/scenarios', { yaml });
