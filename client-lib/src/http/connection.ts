import { BehaviorSubject } from 'rxjs';
import type { z } from 'zod';
import { MutualClientError } from '../errors.js';
import { reasonOf } from './couch-responses.js';
import { linkedSignal } from './linked-signal.js';

/** Whether the server answers: `unknown` until the first request. */
export type Reachability = 'unknown' | 'online' | 'offline';

export interface ConnectionOptions {
  /** The server's base URL, e.g. `https://mutual.example` (its faces are `/db/` and `/api/v1/`). */
  url: string;
  /** A bearer token; called again after a 401, so it may refresh. */
  getToken: () => Promise<string>;
  fetch?: typeof fetch;
  /** How often the server is probed while it does not answer. */
  probeIntervalMs?: number;
}

/** Probing starts fast (a blip is often short) and backs off to this. */
const MAX_PROBE_INTERVAL_MS = 5_000;

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/**
 * The one way to the server: adds the bearer token, asks `getToken` again once after a 401,
 * tells reachability (a request that fails to connect marks the server offline and starts a
 * probe that marks it online again), and lets callers wait until it answers.
 */
export class Connection {
  readonly reachability$ = new BehaviorSubject<Reachability>('unknown');
  /** Why the last authorized request was refused as unauthorized even with a fresh token. */
  readonly authError$ = new BehaviorSubject<string | undefined>(undefined);
  readonly url: string;
  private readonly doFetch: typeof fetch;
  private readonly closing = new AbortController();
  /** Requests under way and callers waiting for the server: ended by `close()`. */
  private readonly inFlight = new Set<AbortController>();
  private readonly waiting = new Set<() => void>();
  private token: Promise<string> | undefined;
  private probing = false;
  private readonly minProbeMs: number;

  constructor(private readonly options: ConnectionOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.minProbeMs = options.probeIntervalMs ?? 250;
    // In a browser, its own idea of the network: react at once instead of at the next probe.
    const events = globalThis as { addEventListener?: EventTarget['addEventListener']; removeEventListener?: EventTarget['removeEventListener'] };
    if (typeof events.addEventListener === 'function' && typeof (globalThis as { window?: unknown }).window === 'object') {
      const offline = () => this.markOffline();
      const online = () => void this.probe();
      events.addEventListener('offline', offline);
      events.addEventListener('online', online);
      this.closing.signal.addEventListener('abort', () => {
        events.removeEventListener?.('offline', offline);
        events.removeEventListener?.('online', online);
      });
    }
  }

  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  /** An authorized request; throws `Offline` when the server cannot be reached. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    let response = await this.send(path, init, await this.currentToken());
    if (response.status === 401) {
      this.token = undefined; // a fresh one: the old one expired or was revoked
      response = await this.send(path, init, await this.currentToken());
      if (response.status === 401) this.authError$.next(await reasonOf(response.clone()));
    }
    if (response.status !== 401 && this.authError$.value !== undefined) this.authError$.next(undefined);
    return response;
  }

  /** An authorized JSON request whose answer must be 2xx and match `schema`. */
  async json<S extends z.ZodType>(path: string, schema: S, init: RequestInit = {}): Promise<z.infer<S>> {
    const response = await this.fetch(path, withJson(init));
    if (!response.ok) throw await errorOf(response);
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success) throw new MutualClientError('Server', `unexpected answer from ${path}: ${parsed.error.message}`);
    return parsed.data;
  }

  /** Resolves when the server answers (at once unless it is known to be offline). */
  whenOnline(): Promise<void> {
    if (this.closed) return Promise.reject(new MutualClientError('Closed', 'the client is closed'));
    if (this.reachability$.value !== 'offline') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onClose = () => {
        subscription.unsubscribe();
        reject(new MutualClientError('Closed', 'the client is closed'));
      };
      const subscription = this.reachability$.subscribe((state) => {
        if (state === 'offline') return;
        queueMicrotask(() => subscription.unsubscribe());
        this.waiting.delete(onClose);
        resolve();
      });
      this.waiting.add(onClose);
    });
  }

  /** Runs `attempt` until it does not fail for being offline, waiting for the server between tries. */
  async persistently<T>(attempt: () => Promise<T>): Promise<T> {
    for (;;) {
      await this.whenOnline();
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof MutualClientError && error.code === 'Offline')) throw error;
      }
    }
  }

  close(): void {
    this.closing.abort();
    this.inFlight.forEach((request) => request.abort());
    this.waiting.forEach((wake) => wake());
    this.waiting.clear();
  }

  private currentToken(): Promise<string> {
    this.token ??= this.options.getToken().catch((error: unknown) => {
      this.token = undefined;
      throw new MutualClientError('Unauthorized', `getToken failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    return this.token;
  }

  private async send(path: string, init: RequestInit, token: string): Promise<Response> {
    if (this.closed) throw new MutualClientError('Closed', 'the client is closed');
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${token}`);
    const request = new AbortController();
    this.inFlight.add(request);
    const { signal, release } = linkedSignal(init.signal ?? undefined, request.signal);
    try {
      const response = await this.doFetch(this.url + path, { ...init, headers, signal });
      this.markOnline();
      return response;
    } catch (error) {
      if (this.closed) throw new MutualClientError('Closed', 'the client is closed');
      if (isAbort(error)) throw error;
      this.markOffline();
      throw new MutualClientError('Offline', `${this.url} cannot be reached`);
    } finally {
      release();
      this.inFlight.delete(request);
    }
  }

  private markOnline(): void {
    if (this.reachability$.value !== 'online') this.reachability$.next('online');
  }

  private markOffline(): void {
    if (this.closed) return;
    if (this.reachability$.value !== 'offline') this.reachability$.next('offline');
    void this.probe();
  }

  /** Asks the server's root until it answers; one probe loop at a time. */
  private async probe(): Promise<void> {
    if (this.probing || this.closed) return;
    this.probing = true;
    try {
      let wait = this.minProbeMs;
      while (!this.closed && this.reachability$.value === 'offline') {
        try {
          await this.doFetch(`${this.url}/db/`, { signal: this.closing.signal });
          this.markOnline();
        } catch {
          await sleep(wait, this.closing.signal);
          wait = Math.min(wait * 2, MAX_PROBE_INTERVAL_MS);
        }
      }
    } finally {
      this.probing = false;
    }
  }
}

function withJson(init: RequestInit): RequestInit {
  if (init.body === undefined) return init;
  const headers = new Headers(init.headers);
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return { ...init, headers };
}

/** The client's error for a failed answer. */
export async function errorOf(response: Response): Promise<MutualClientError> {
  const reason = await reasonOf(response);
  switch (response.status) {
    case 401: return new MutualClientError('Unauthorized', reason, 401);
    case 403: return new MutualClientError('Forbidden', reason, 403);
    case 404: return new MutualClientError('NotFound', reason, 404);
    case 409: return new MutualClientError('Conflict', reason, 409);
    default: return new MutualClientError('Server', reason, response.status);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    signal?.addEventListener('abort', wake, { once: true });
  });
}
