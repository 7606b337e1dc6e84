/** Where the demo server started by karma.conf.cjs listens (content, emulator, demo page). */
export const serverUrl: string = (globalThis as unknown as { __karma__: { config: { keyflow: { serverUrl: string } } } }).__karma__.config
  .keyflow.serverUrl;

/** The customer authenticator of the demo's emulated ExpressPlay account (see demo/server.mjs). Tests play the app backend. */
export const TEST_AUTHENTICATOR = 'keyflow-demo-authenticator';

/** The sample content's keys (content/keys.json). */
export const CONTENT_KEYS = {
  video: { kid: 'a8902072531212e8717f2aeeb98cea1c', key: '6665ff60772d4c153433dae79fd569b5' },
  audio: { kid: '4a63349a01f33504a4249e5777467e89', key: 'dbbf0021ce11b6abcd32dd30d7a487a8' },
};

/** Absolute URL of a path on the test server. */
export function at(pathname: string): string {
  return new URL(pathname, serverUrl).href;
}

/** Waits until `predicate` is true, polling; rejects with `what` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 15000): Promise<void> {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Options of {@link mintToken}. */
export interface MintOptions {
  drm?: 'ck' | 'wv' | 'pr' | 'fp';
  keys?: Array<{ kid: string; key: string }>;
  expirationTime?: string;
  authenticator?: string;
  /**
   * The DRM's own parameters; default {@link REQUIRED_TOKEN_PARAMS} of the `drm` (the ones the
   * ExpressPlay token API reference marks required). A `null` value leaves that parameter out.
   */
  params?: Record<string, string | null>;
}

/**
 * Token API parameters the Adobe Primetime / ExpressPlay token request reference marks required
 * (Widevine `securityLevel`, `hdcpOutputControl`; PlayReady `rightsType` and the five `*OPL`; FairPlay `iv`),
 * with permissive values; ClearKey is the emulator's own and needs none.
 */
export const REQUIRED_TOKEN_PARAMS: Readonly<Record<'ck' | 'wv' | 'pr' | 'fp', Readonly<Record<string, string>>>> = {
  ck: {},
  fp: { iv: '0123456789abcdef0123456789abcdef' },
  wv: { securityLevel: '1', hdcpOutputControl: '0' },
  pr: {
    rightsType: 'BuyToOwn',
    analogVideoOPL: '0',
    compressedDigitalAudioOPL: '0',
    compressedDigitalVideoOPL: '0',
    uncompressedDigitalAudioOPL: '0',
    uncompressedDigitalVideoOPL: '0',
  },
};

/** The token API request {@link mintToken} sends: the endpoint and its form body. */
export function tokenRequest(options: MintOptions = {}): { url: string; form: URLSearchParams } {
  const drm = options.drm ?? 'ck';
  const form = new URLSearchParams({
    customerAuthenticator: options.authenticator ?? TEST_AUTHENTICATOR,
    errorFormat: 'json',
    expirationTime: options.expirationTime ?? '+600',
  });
  for (const { kid, key } of options.keys ?? [CONTENT_KEYS.video, CONTENT_KEYS.audio]) {
    form.append('kid', kid);
    form.append('contentKey', key);
  }
  for (const [name, value] of Object.entries({ ...REQUIRED_TOKEN_PARAMS[drm], ...options.params })) {
    if (value !== null) form.append(name, value);
  }
  return { url: at(`hms/${drm}/token`), form };
}

/**
 * Mints a token through the emulator's token API, as an app backend does.
 * Returns the raw answer body (a tokenized URL, or PlayReady's JSON text).
 */
export async function mintToken(options: MintOptions = {}): Promise<string> {
  const { url, form } = tokenRequest(options);
  const response = await fetch(url, { method: 'POST', body: form });
  const text = await response.text();
  if (!response.ok) throw new Error(`token API answered ${response.status}: ${text}`);
  return text.trim();
}

/** One record of the emulator's request log (no token values). */
export interface EmulatorRecord {
  method: string;
  path: string;
  drm: string | null;
  kind: 'token' | 'license' | 'renewal' | 'certificate' | 'other';
  status: number;
  kids?: string[];
  hadToken: boolean;
  contentType?: string;
}

/** The emulator's request log. */
export async function emulatorRequests(): Promise<EmulatorRecord[]> {
  return (await fetch(at('_emulator/requests'))).json() as Promise<EmulatorRecord[]>;
}

/** Clears the emulator's request log. */
export async function clearEmulatorRequests(): Promise<void> {
  await fetch(at('_emulator/requests'), { method: 'DELETE' });
}

/** A license-server fault (see src/testing/node/fault-injector.ts). */
export interface Fault {
  pathPrefix?: string;
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  garbage?: boolean;
  delayMs?: number;
}

/** Queues faults for the next license requests. */
export async function queueFaults(...faults: Fault[]): Promise<void> {
  const response = await fetch(at('_faults'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ faults }),
  });
  if (response.status !== 204) throw new Error(`queueing faults failed: ${response.status}`);
}

/** Clears queued faults and the fault log. */
export async function clearFaults(): Promise<void> {
  await fetch(at('_faults'), { method: 'DELETE' });
}

/** License requests the fault injector saw (faulted or passed through), in order. */
export async function licenseLog(): Promise<Array<{ time: number; path: string; fault: Fault | null }>> {
  return (await fetch(at('_faults/requests'))).json() as Promise<Array<{ time: number; path: string; fault: Fault | null }>>;
}
