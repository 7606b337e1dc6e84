// The wrapping proxy the demo server mounts at /proxy (src/testing/node/wrapping-proxy.ts), as the
// e2e specs see it: its request log and its token endpoint.
import { at } from './env';

/** The sample's content id at the proxy (demo/server.mjs). */
export const SAMPLE = 'keyflow-sample';

/** One record of the proxy's request log (`GET /proxy/_requests`). */
export interface ProxyRecord {
  path: string;
  status: number;
  errorCode?: string;
  hadToken: boolean;
  contentId?: string;
  kids?: string[];
  contentType?: string;
  json?: Record<string, unknown>;
}

/** A token from the proxy's token endpoint (as the app's backend would mint it). */
export async function proxyToken(contentId = SAMPLE, ttl = 600): Promise<string> {
  const response = await fetch(at(`proxy/token?contentId=${encodeURIComponent(contentId)}&ttl=${ttl}`));
  if (!response.ok) throw new Error(`proxy token endpoint answered ${response.status}`);
  return response.text();
}
