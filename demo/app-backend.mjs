// The demo's "app backend": it holds the ExpressPlay customer authenticator and the content keys,
// and mints a token per request by calling the (emulated) ExpressPlay token API over HTTP, exactly
// as a real app backend calls ExpressPlay. The page only ever sees the token API's answer.

/** Which token endpoint serves which key system. */
const TOKEN_PATHS = {
  'org.w3.clearkey': '/hms/ck/token',
  'com.widevine.alpha': '/hms/wv/token',
  'com.microsoft.playready': '/hms/pr/token',
  'com.microsoft.playready.recommendation': '/hms/pr/token',
  'com.apple.fps': '/hms/fp/token',
};

/**
 * The DRM parameters the ExpressPlay token API reference marks required (Adobe Primetime
 * "Widevine/PlayReady license token request / response"): Widevine `securityLevel` (1 =
 * SW_SECURE_CRYPTO) and `hdcpOutputControl` (0 = HDCP_NONE); PlayReady `rightsType` and the five
 * output protection levels; FairPlay `iv`. A real backend picks values from its content policy. The ClearKey
 * endpoint is the emulator's own and takes none.
 */
const DRM_PARAMS = {
  '/hms/ck/token': {},
  '/hms/wv/token': { securityLevel: '1', hdcpOutputControl: '0' },
  // FairPlay: `iv` is required, the content's IV (content/README.md).
  '/hms/fp/token': { iv: '0123456789abcdef0123456789abcdef' },
  '/hms/pr/token': {
    rightsType: 'BuyToOwn',
    analogVideoOPL: '0',
    compressedDigitalAudioOPL: '0',
    compressedDigitalVideoOPL: '0',
    uncompressedDigitalAudioOPL: '0',
    uncompressedDigitalVideoOPL: '0',
  },
};

/**
 * Handles `GET /api/token?drm=<key system>`: asks the token API at `tokenApiBase` for a token
 * granting every key in `keys`, valid for `lifetimeSeconds`, and relays the answer (status,
 * content type and body) to the page.
 */
export async function handleTokenRequest(req, res, { tokenApiBase, customerAuthenticator, keys, lifetimeSeconds = 3600 }) {
  const url = new URL(req.url, 'http://localhost');
  const keySystem = url.searchParams.get('drm') ?? 'org.w3.clearkey';
  const tokenPath = TOKEN_PATHS[keySystem];
  if (!tokenPath) {
    res.writeHead(400, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: `no token API for key system ${keySystem}` }));
    return;
  }
  // The demo's fault menu: `expired=1` mints a token that has expired by the time it is answered,
  // `otherKeys=1` one for a key the content does not use (the license server refuses both).
  const expired = url.searchParams.get('expired') === '1';
  const granted = url.searchParams.get('otherKeys') === '1' ? [{ kid: '00112233445566778899aabbccddeeff', key: keys[0].key }] : keys;
  const form = new URLSearchParams({
    customerAuthenticator,
    errorFormat: 'json',
    expirationTime: expired ? '+1' : `+${lifetimeSeconds}`,
    ...DRM_PARAMS[tokenPath],
  });
  for (const { kid, key } of granted) {
    form.append('kid', kid);
    form.append('contentKey', key);
  }
  try {
    const answer = await fetch(new URL(tokenPath, tokenApiBase), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    const body = await answer.text();
    if (expired) await new Promise((resolve) => setTimeout(resolve, 1100));
    res.writeHead(answer.status, {
      'Content-Type': answer.headers.get('content-type') ?? 'text/plain',
      'Cache-Control': 'no-store',
    });
    res.end(body);
  } catch (error) {
    res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: `token API unreachable: ${error.message}` }));
  }
}
