import { shaka } from './shaka-global';
import { shakaMajor } from './shaka-version';
import type S from 'shaka-player';

/** One request the fake scheme plugin saw. */
export interface CapturedRequest {
  uri: string;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array;
  requestType: number;
}

/** What the fake server answers: a status and a body (text or bytes). */
export interface FakeReply {
  status: number;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

/**
 * Replaces Shaka's `https` scheme plugin with a fake that records each request
 * and answers from a script, with no network. It builds replies and errors
 * the way Shaka's HTTP plugins do (`lib/net/http_plugin_utils.js`): 2xx →
 * a Response; otherwise error 1001 BAD_HTTP_STATUS with data
 * [uri, status, responseText, headers, requestType, finalUri], with the
 * severity of the Shaka line under test. `uninstall()` restores the real fetch plugin.
 */
export function installFakeHttps(replies: FakeReply[]): { captured: CapturedRequest[]; uninstall(): void } {
  const captured: CapturedRequest[] = [];
  const NetworkingEngine = shaka.net.NetworkingEngine;
  const plugin = (uri: string, request: S.extern.Request, requestType: number) => {
    const raw = request.body as ArrayBuffer | ArrayBufferView | null;
    const body = raw
      ? ArrayBuffer.isView(raw)
        ? new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)
        : new Uint8Array(raw)
      : new Uint8Array();
    captured.push({ uri, method: request.method, headers: { ...request.headers }, body: body.slice(), requestType });
    const reply = replies.length > 1 ? replies.shift()! : replies[0]!;
    const data = typeof reply.body === 'string' ? new TextEncoder().encode(reply.body) : (reply.body ?? new Uint8Array());
    const headers = reply.headers ?? {};
    if (reply.status >= 200 && reply.status < 300) {
      const response = {
        uri,
        originalUri: uri,
        data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
        status: reply.status,
        headers,
        fromCache: false,
        originalRequest: request,
      };
      return shaka.util.AbortableOperation.completed(response as unknown as S.extern.Response);
    }
    // Shaka 4.x makes 401 and 403 CRITICAL (never retried); Shaka 5 makes every status RECOVERABLE.
    const critical = shakaMajor() < 5 && (reply.status === 401 || reply.status === 403);
    const error = new shaka.util.Error(
      critical ? shaka.util.Error.Severity.CRITICAL : shaka.util.Error.Severity.RECOVERABLE,
      shaka.util.Error.Category.NETWORK,
      shaka.util.Error.Code.BAD_HTTP_STATUS,
      uri,
      reply.status,
      new TextDecoder().decode(data),
      headers,
      requestType,
      uri,
    );
    return shaka.util.AbortableOperation.failed(error);
  };
  NetworkingEngine.registerScheme('https', plugin as unknown as S.extern.SchemePlugin, NetworkingEngine.PluginPriority.APPLICATION);
  return {
    captured,
    uninstall() {
      NetworkingEngine.unregisterScheme('https');
      NetworkingEngine.registerScheme('https', shaka.net.HttpFetchPlugin.parse, NetworkingEngine.PluginPriority.PREFERRED, true);
    },
  };
}

/** Retry parameters without waiting, for tests. */
export function fastRetries(maxAttempts: number): S.extern.RetryParameters {
  return { ...shaka.net.NetworkingEngine.defaultRetryParameters(), maxAttempts, baseDelay: 1, backoffFactor: 1, fuzzFactor: 0 };
}

/** A LICENSE request as Shaka's DrmEngine builds it (lib/drm/drm_engine.js sendLicenseRequest_). */
export function licenseRequest(
  keySystem: string,
  url: string,
  maxAttempts = 2,
  body: Uint8Array = new Uint8Array([8, 1, 18, 4]),
): S.extern.Request {
  const request = shaka.net.NetworkingEngine.makeRequest([url], fastRetries(maxAttempts));
  request.method = 'POST';
  request.body = body.slice().buffer as ArrayBuffer;
  request.licenseRequestType = 'license-request';
  request.sessionId = 'session-1';
  request.drmInfo = { keySystem, keyIds: new Set(['a8902072531212e8717f2aeeb98cea1c']) } as unknown as S.extern.DrmInfo;
  return request;
}
