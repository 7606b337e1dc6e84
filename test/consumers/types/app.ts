// A strict TypeScript consumer of shaka-keyflow, compiled by scripts/check-consumers.mjs against the
// packed package (its `exports` and bundled .d.ts). It must compile with no errors, and every
// `@ts-expect-error` below must still be an error (tsc fails on an unused one), so the check fails
// if the options or event payloads lose their types.
import shaka from 'shaka-player';
import {
  findKeyflowError,
  Keyflow,
  KeyflowError,
  type KeyflowConfig,
  type KeyflowErrorCode,
  type LicenseRequestEvent,
} from 'shaka-keyflow';

declare const video: HTMLVideoElement;

export async function play(manifestUri: string): Promise<void> {
  const player = new shaka.Player();
  await player.attach(video);

  // ExpressPlay: a token function returning a tokenized URL or PlayReady's JSON.
  const keyflow = new Keyflow(player, {
    provider: 'expressplay',
    token: async (ctx) => {
      const keySystem: string = ctx.keySystem;
      const signal: AbortSignal | undefined = ctx.signal;
      const res = await fetch(`/api/token?drm=${encodeURIComponent(keySystem)}`, signal ? { signal } : {});
      return res.headers.get('content-type')?.includes('json')
        ? ((await res.json()) as { licenseAcquisitionUrl: string; token: string })
        : res.text();
    },
    servers: { 'org.w3.clearkey': '/hms/ck/rights/' },
  });

  // Typed event payloads.
  keyflow.on('licenserequest', (e) => {
    const url: string = e.url;
    const attempt: number = e.attempt;
    const kind: 'license' | 'certificate' = e.kind;
    console.log(e.keySystem, url, attempt, kind);
    // @ts-expect-error a license request event has no `status` (that is licenseresponse)
    console.log(e.status);
  });
  keyflow.on('licenseresponse', (e) => {
    const status: number = e.status;
    const ms: number = e.durationMs;
    console.log(status, ms);
  });
  keyflow.on('error', (err) => {
    const code: KeyflowErrorCode = err.code;
    const http: number | undefined = err.httpStatus;
    console.log(code, http, err.providerCode, err.keySystem);
    // @ts-expect-error not a KeyflowErrorCode
    const wrong: typeof err.code = 'NOT_A_CODE';
    console.log(wrong);
  });
  // @ts-expect-error no such event
  keyflow.on('licencerequest', () => {});

  player.addEventListener('error', (event) => {
    const found: KeyflowError | null = findKeyflowError((event as unknown as { detail: unknown }).detail);
    if (found?.code === 'TOKEN_EXPIRED') console.log('refresh the token');
  });

  keyflow.configure({ provider: 'expressplay', token: 'next-token' });
  const config: KeyflowConfig = keyflow.getConfiguration();
  if (config.provider === 'expressplay') console.log(config.servers);

  await player.load(manifestUri);
  keyflow.destroy();
}

// Typed provider options: each provider's options belong to that provider only.
export const configs: KeyflowConfig[] = [
  { provider: 'expressplay', token: 'a-token' },
  {
    provider: 'custom',
    servers: { 'com.widevine.alpha': 'https://drm.example.com/license?contentId={contentId}' },
    contentId: 'movie-42',
    headers: { 'X-Proxy-Token': '{token}', SOAPAction: null },
    wrapRequest: { challengeField: 'licenseRequest.challenge', fields: { kids: '{keyIdsHex}' } },
    unwrapResponse: { path: 'data.license' },
    errors: { code: 'error.code', rules: [{ providerCode: 'AUTH_TOKEN_EXPIRED', means: 'TOKEN_EXPIRED' }] },
  },
  {
    provider: 'clearkey',
    servers: { 'org.w3.clearkey': 'https://drm.example.com/clearkey/license' },
    token: async (ctx) => (await fetch(`/authorize?kids=${ctx.keyIds.join(',')}`)).text(),
    prefetchToken: false,
  },
];

export const wrong: KeyflowConfig[] = [
  // @ts-expect-error a wrong option name (`tokn`)
  { provider: 'expressplay', tokn: 'a-token' },
  // @ts-expect-error not a provider
  { provider: 'expresplay', token: 'a-token' },
  // @ts-expect-error `wrapRequest` is a custom-provider option, not an ExpressPlay one
  { provider: 'expressplay', token: 't', wrapRequest: { challengeField: 'c' } },
  // @ts-expect-error an error rule must map to a KeyflowErrorCode
  { provider: 'custom', servers: { 'org.w3.clearkey': 'https://x.test/' }, errors: { rules: [{ status: 401, means: 'EXPIRED' }] } },
];

export function describe(e: LicenseRequestEvent): string {
  return `${e.keySystem} ${e.url}`;
}
