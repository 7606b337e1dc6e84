/**
 * One license (or certificate) request as keyflow follows it across its
 * attempts, and the book that finds it again from what Shaka hands back: the
 * request object (filters, download events), the URL it was sent to
 * (responses and errors of Shaka 4.x, whose objects may not carry the
 * request), or a Shaka error keyflow has already matched (its URI is
 * redacted after that, so it no longer matches by URL).
 *
 * @module
 */
import type { KeyflowError } from '../api/errors';
import type { DrmRequestKind } from '../providers/preset';
import type { TokenUse } from '../tokens/broker';
import type { ShakaRequest, ShakaResponse } from './types';

/** One license (or certificate) request as keyflow follows it across attempts. */
export interface Exchange extends TokenUse {
  /** `license` for CDM messages, `certificate` for Shaka's server-certificate request. */
  kind: DrmRequestKind;
  /** Key IDs (lower-case hex, sorted) of the content, from Shaka or the init data. */
  keyIds: string[];
  /** Secrets placed in the request, to redact. */
  secrets: string[];
  /** The CDM's challenge, when keyflow sent a different (wrapped) body; for scrubbed event copies. */
  originalBody: Uint8Array | null;
  /** The URL the latest attempt was sent to. */
  sentUrl: string;
  /** `performance.now()` when the latest attempt was released. */
  sentAt: number;
  /** Index of the latest attempt. */
  attempt: number;
  /** Shaka's `retryParameters.maxAttempts` for this request. */
  maxAttempts: number;
  /** True on Shaka 5.x, whose filters run before every attempt. */
  perAttemptFilters: boolean;
  /** A failure decided in the `retry` event, thrown by the next attempt's filter. */
  pendingError: KeyflowError | null;
  /** Do not send the next attempt before this `performance.now()` time (Retry-After). */
  notBefore: number;
  /** The body is Widevine's service-certificate request (`08 04`): the reply is a certificate. */
  isCertificateChallenge: boolean;
  /** `performance.now()` when keyflow first saw the request. */
  startedAt: number;
  /** `performance.now()` when the reply reached keyflow. */
  respondedAt: number;
  /** A license renewal (the CDM's `license-renewal` message). */
  renewal: boolean;
  /** The EME session the request belongs to, when Shaka says. */
  sessionId: string | null;
}

/** How many sent URLs are remembered to match replies and failures. */
const MAX_TRACKED_URLS = 64;

const WIDEVINE_CERTIFICATE_REQUEST = [0x08, 0x04];

/** What a new exchange starts from. */
export interface NewExchange {
  kind: DrmRequestKind;
  keySystem: string;
  /** The URL keyflow routes it to, before any token. */
  baseUrl: string;
  /** The manifest of the load it belongs to (resolved), for the token cache. */
  manifestUri: string | null;
  /** The content's key IDs, lower-case hex, sorted. */
  keyIds: string[];
}

/** Finds keyflow's exchanges again from requests, sent URLs and Shaka errors. */
export class ExchangeBook {
  /** @param perAttemptFilters_ the Shaka line runs request filters before every attempt (5.x); null: each request tells */
  constructor(private readonly perAttemptFilters_: boolean | null) {}

  private readonly byRequest_ = new WeakMap<ShakaRequest, Exchange>();
  private readonly bySentUrl_ = new Map<string, Exchange>();
  private readonly byError_ = new WeakMap<object, Exchange>();

  /** keyflow's exchange for `request`, if any. */
  of(request: ShakaRequest): Exchange | undefined {
    return this.byRequest_.get(request);
  }

  /** Starts following `request`. */
  open(request: ShakaRequest, start: NewExchange): Exchange {
    const body = bytesOf(request.body);
    const { baseUrl, ...identity } = start;
    const exchange: Exchange = {
      ...identity,
      licenseOrigin: originOf(baseUrl),
      sentUrl: baseUrl,
      token: null,
      needsNewToken: false,
      tokenRefreshed: false,
      tokenWaitMs: 0,
      secrets: [],
      originalBody: null,
      sentAt: 0,
      attempt: 0,
      maxAttempts: request.retryParameters?.maxAttempts ?? 1,
      perAttemptFilters: this.perAttemptFilters_ ?? typeof request.attempt === 'number',
      pendingError: null,
      notBefore: 0,
      isCertificateChallenge:
        start.kind === 'license' &&
        body.byteLength === WIDEVINE_CERTIFICATE_REQUEST.length &&
        body.every((byte, i) => byte === WIDEVINE_CERTIFICATE_REQUEST[i]),
      startedAt: performance.now(),
      respondedAt: 0,
      renewal: start.kind === 'license' && request.licenseRequestType === 'license-renewal',
      sessionId: request.sessionId ?? null,
    };
    this.byRequest_.set(request, exchange);
    return exchange;
  }

  /** An attempt of `exchange` went to `url` (the newest {@link MAX_TRACKED_URLS} URLs are kept). */
  sentTo(url: string, exchange: Exchange): void {
    this.bySentUrl_.delete(url);
    this.bySentUrl_.set(url, exchange);
    if (this.bySentUrl_.size > MAX_TRACKED_URLS) {
      const oldest = this.bySentUrl_.keys().next().value;
      if (oldest !== undefined) this.bySentUrl_.delete(oldest);
    }
  }

  /** The exchange a 2xx response belongs to. */
  forResponse(response: ShakaResponse): Exchange | undefined {
    const original = response.originalRequest;
    return (original ? this.byRequest_.get(original) : undefined) ?? this.bySentUrl_.get(response.originalUri ?? response.uri);
  }

  /**
   * `exchange` was answered. Other sessions may have sent the same URL (the
   * same token): its URL is forgotten only if it is this exchange's.
   */
  answered(exchange: Exchange): void {
    if (this.bySentUrl_.get(exchange.sentUrl) === exchange) this.bySentUrl_.delete(exchange.sentUrl);
  }

  /** The exchange a failed attempt's Shaka error belongs to (matched before, or by the URI it names), remembered. */
  forError(error: object, uri: string): Exchange | undefined {
    const exchange = this.byError_.get(error) ?? this.bySentUrl_.get(uri);
    if (exchange) this.byError_.set(error, exchange);
    return exchange;
  }

  /** `error` is a failed attempt of `exchange` (noted before its URI is redacted). */
  failed(error: object, exchange: Exchange): void {
    this.byError_.set(error, exchange);
  }

  /** keyflow is destroyed: no URL is kept. */
  clear(): void {
    this.bySentUrl_.clear();
  }
}

/** A request or response body as bytes (a view on the same memory). */
export function bytesOf(data: ArrayBuffer | ArrayBufferView | null | undefined): Uint8Array {
  if (!data) return new Uint8Array(0);
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** The origin of `url`; null when it is not an absolute URL. */
function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
