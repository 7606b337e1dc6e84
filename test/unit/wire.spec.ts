// The shared wire building blocks (src/providers/engine/): encodings, JSON paths, templates,
// request wrapping and response unwrapping, headers, error extraction, Clear Key shapes.
import type { DrmRequest } from '../../src/providers/preset';
import { clearKeyChallengeKeyIds, clearKeyLicenseProblem } from '../../src/providers/engine/clearkey';
import { decodeText, encodeBytes, hexToUuid } from '../../src/providers/engine/encoding';
import {
  classifyFailure,
  errorExtractionProblem,
  extractError,
  parseProblemDetails,
  readProviderError,
} from '../../src/providers/engine/errors';
import { isHeaderValue, withHeader } from '../../src/providers/engine/headers';
import { getPath, isValidPath, setPath } from '../../src/providers/engine/json-path';
import { psshContentId, requestKeyIds } from '../../src/providers/engine/request-info';
import {
  expandJson,
  expandText,
  parseTemplate,
  placeholdersOf,
  TemplateSyntaxError,
  type TemplateValues,
} from '../../src/providers/engine/template';
import { recallChallenge, unwrapLicense, wrapChallenge, wrappingProblem, unwrappingProblem } from '../../src/providers/engine/wrap';
import { keyflowErrorOf } from '../helpers/errors';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

const VIDEO = 'a8902072531212e8717f2aeeb98cea1c';
const AUDIO = '4a63349a01f33504a4249e5777467e89';

function values(overrides: Partial<TemplateValues> = {}): TemplateValues {
  return {
    keySystem: 'com.widevine.alpha',
    messageType: 'license-request',
    keyIds: [AUDIO, VIDEO],
    contentId: 'movie 1',
    psshContentId: null,
    token: 'T0k+en/=',
    ...overrides,
  };
}

describe('wire: encodings', () => {
  const data = new Uint8Array([0xfb, 0xff, 0x01]);

  it('writes base64 padded, base64url unpadded, hex lower case', () => {
    expect(encodeBytes(data, 'base64')).toBe('+/8B');
    expect(encodeBytes(new Uint8Array([0xfb, 0xff]), 'base64')).toBe('+/8=');
    expect(encodeBytes(new Uint8Array([0xfb, 0xff]), 'base64url')).toBe('-_8');
    expect(encodeBytes(data, 'hex')).toBe('fbff01');
  });

  it('reads what it writes, with optional padding and whitespace ignored', () => {
    expect(decodeText('+/8=', 'base64')).toEqual(new Uint8Array([0xfb, 0xff]));
    expect(decodeText('+/8', 'base64')).toEqual(new Uint8Array([0xfb, 0xff]));
    expect(decodeText('+/\r\n8B\n', 'base64')).toEqual(data);
    expect(decodeText('-_8', 'base64url')).toEqual(new Uint8Array([0xfb, 0xff]));
    expect(decodeText('-_8=', 'base64url')).toEqual(new Uint8Array([0xfb, 0xff]));
    expect(decodeText('FBFF01', 'hex')).toEqual(data);
  });

  it('returns null for text that is not in the encoding', () => {
    expect(decodeText('-_8', 'base64')).toBeNull();
    expect(decodeText('+/8', 'base64url')).toBeNull();
    expect(decodeText('abc', 'hex')).toBeNull();
    expect(decodeText('zz', 'hex')).toBeNull();
    expect(decodeText('A', 'base64')).toBeNull();
    expect(decodeText('AB=C', 'base64')).toBeNull();
    expect(decodeText('<html>', 'base64')).toBeNull();
  });

  it('formats 16-byte IDs as UUIDs', () => {
    expect(hexToUuid(VIDEO)).toBe('a8902072-5312-12e8-717f-2aeeb98cea1c');
  });
});

describe('wire: JSON paths', () => {
  const doc = { data: { license: 'x', list: [{ a: 1 }] }, 'dotted.name': { v: 2 } };

  it('reads dotted paths, array indexes and segment arrays', () => {
    expect(getPath(doc, 'data.license')).toBe('x');
    expect(getPath(doc, 'data.list.0.a')).toBe(1);
    expect(getPath(doc, ['dotted.name', 'v'])).toBe(2);
    expect(getPath(doc, '')).toBe(doc);
  });

  it('gives undefined for a missing step, never inherited properties', () => {
    expect(getPath(doc, 'data.missing')).toBeUndefined();
    expect(getPath(doc, 'data.license.length')).toBeUndefined();
    expect(getPath(doc, 'data.list.x')).toBeUndefined();
    expect(getPath(doc, 'toString')).toBeUndefined();
    expect(getPath('text', 'a')).toBeUndefined();
  });

  it('sets nested fields, creating objects', () => {
    expect(setPath({ a: 1 }, 'b.c', 2)).toEqual({ a: 1, b: { c: 2 } });
    expect(setPath({ b: 'str' }, 'b.c', 2)).toEqual({ b: { c: 2 } });
    expect(() => setPath({}, '__proto__.x', 1)).toThrowError(TypeError);
  });

  it('validates paths', () => {
    expect(isValidPath('a.b')).toBeTrue();
    expect(isValidPath('a..b')).toBeFalse();
    expect(isValidPath('')).toBeFalse();
    expect(isValidPath('', true)).toBeTrue();
    expect(isValidPath(['a', 0])).toBeTrue();
    expect(isValidPath(7)).toBeFalse();
  });
});

describe('wire: templates', () => {
  it('parses placeholders and literal braces', () => {
    expect(parseTemplate('a{{b}}{keySystem}')).toEqual([{ text: 'a{b}' }, { name: 'keySystem' }]);
    expect(placeholdersOf('{token.user.id}/{keyIdHex}')).toEqual(['token.user.id', 'keyIdHex']);
  });

  it('rejects unknown placeholders and lone braces', () => {
    expect(() => parseTemplate('{kid}')).toThrowError(TemplateSyntaxError, /unknown placeholder \{kid\}/);
    expect(() => parseTemplate('a{keySystem')).toThrowError(TemplateSyntaxError, /unclosed/);
    expect(() => parseTemplate('a}')).toThrowError(TemplateSyntaxError, /lone/);
    expect(() => parseTemplate('{token.}')).toThrowError(TemplateSyntaxError);
  });

  it('expands every key ID form (first = first in sorted order)', () => {
    const v = values();
    const out = (t: string) => expandText(t, v, 'test').value;
    expect(out('{keyIdHex}')).toBe(AUDIO);
    expect(out('{keyIdsHex}')).toBe(`${AUDIO},${VIDEO}`);
    expect(out('{keyIdUuid}')).toBe('4a63349a-01f3-3504-a424-9e5777467e89');
    expect(out('{keyIdBase64}')).toBe('SmM0mgHzNQSkJJ5Xd0Z+iQ==');
    expect(out('{keyIdBase64Url}')).toBe('SmM0mgHzNQSkJJ5Xd0Z-iQ');
    expect(out('{keyIdsBase64Url}')).toBe('SmM0mgHzNQSkJJ5Xd0Z-iQ,qJAgclMSEuhxfyruuYzqHA');
    expect(out('{keySystem} {messageType} {contentId}')).toBe('com.widevine.alpha license-request movie 1');
  });

  it('percent-encodes values in URLs, list items separately, commas literal', () => {
    const v = values({ keyIds: [VIDEO] });
    expect(expandText('https://l.test/{contentId}/{keyIdBase64}?t={token}', v, 'url', encodeURIComponent).value).toBe(
      'https://l.test/movie%201/qJAgclMSEuhxfyruuYzqHA%3D%3D?t=T0k%2Ben%2F%3D',
    );
    expect(expandText('?k={keyIdsBase64}', values(), 'url', encodeURIComponent).value).toBe(
      '?k=SmM0mgHzNQSkJJ5Xd0Z%2BiQ%3D%3D,qJAgclMSEuhxfyruuYzqHA%3D%3D',
    );
  });

  it('reads token strings and token object fields, reporting them as secrets', () => {
    const token = { token: ' abc.def ', user: { id: 'u-1234' }, n: 7 };
    const out = expandText('{token}|{token.user.id}|{token.n}|{token.user}', values({ token }), 't');
    expect(out.value).toBe('abc.def|u-1234|7|{"id":"u-1234"}');
    expect(out.secrets).toContain('abc.def');
    expect(out.secrets).toContain('u-1234');
  });

  it('keeps JSON types when a JSON string is exactly one placeholder', () => {
    const token = { token: 'tok', account: { id: 42, tags: ['a'] } };
    const out = expandJson(
      { kids: '{keyIdsHex}', kid: '{keyIdHex}', account: '{token.account}', n: 3, note: 'kid={keyIdHex}', list: ['{contentId}', null] },
      values({ token }),
      'fields',
    );
    expect(out.value).toEqual({
      kids: [AUDIO, VIDEO],
      kid: AUDIO,
      account: { id: 42, tags: ['a'] },
      n: 3,
      note: `kid=${AUDIO}`,
      list: ['movie 1', null],
    });
  });

  it('fails with a typed error when the request lacks a value', () => {
    expect(keyflowErrorOf(() => expandText('{keyIdHex}', values({ keyIds: [] }), "servers['x']")).code).toBe('INVALID_CONFIG');
    expect(keyflowErrorOf(() => expandText('{keyIdHex}', values({ keyIds: [] }), "servers['x']")).message).toMatch(
      /servers\['x'\] uses \{keyIdHex\} but the request has no key IDs/,
    );
    expect(keyflowErrorOf(() => expandText('{contentId}', values({ contentId: null }), 'h')).code).toBe('INVALID_CONFIG');
    expect(keyflowErrorOf(() => expandText('{psshContentId}', values(), 'h')).message).toMatch(/no Widevine content_id/);
    expect(keyflowErrorOf(() => expandText('{token}', values({ token: { nope: 1 } }), 'h')).code).toBe('TOKEN_MALFORMED');
    expect(keyflowErrorOf(() => expandText('{token}', values({ token: '  ' }), 'h')).code).toBe('TOKEN_MALFORMED');
    expect(keyflowErrorOf(() => expandText('{token.user}', values({ token: 'str' }), 'h')).code).toBe('TOKEN_MALFORMED');
    expect(keyflowErrorOf(() => expandText('{token.user}', values({ token: {} }), 'h')).message).toMatch(/has no `user`/);
  });
});

describe('wire: request wrapping', () => {
  const challenge = new Uint8Array([8, 1, 2, 3]);

  it('puts the encoded challenge after the fields, as compact JSON', () => {
    expect(text(wrapChallenge(challenge, { challengeField: 'rawLicenseRequestBase64' }, undefined))).toBe(
      '{"rawLicenseRequestBase64":"CAECAw=="}',
    );
    expect(text(wrapChallenge(challenge, { challengeField: 'a.b', challengeEncoding: 'hex' }, { z: 1, a: { x: true } }))).toBe(
      '{"z":1,"a":{"x":true,"b":"08010203"}}',
    );
    expect(text(wrapChallenge(new Uint8Array([0xfb, 0xff]), { challengeField: 'c', challengeEncoding: 'base64url' }, {}))).toBe(
      '{"c":"-_8"}',
    );
    expect(text(wrapChallenge(challenge, { challengeField: 'drm_info', challengeEncoding: 'bytes' }, { token: 't' }))).toBe(
      '{"token":"t","drm_info":[8,1,2,3]}',
    );
  });

  it('gives the wrapped body a buffer of its own', () => {
    const wrapped = wrapChallenge(challenge, { challengeField: 'c' }, undefined);
    expect(wrapped.byteOffset).toBe(0);
    expect(wrapped.byteLength).toBe(wrapped.buffer.byteLength);
  });

  it('recalls the challenge of a body it wrapped (same buffer, as Shaka passes it again)', () => {
    const wrapping = { challengeField: 'c' };
    const wrapped = wrapChallenge(challenge, wrapping, undefined);
    expect(recallChallenge(new Uint8Array(wrapped.buffer), wrapping, 1)).toEqual(challenge);
    expect(recallChallenge(new Uint8Array(wrapped.buffer), wrapping, 0)).toEqual(challenge);
  });

  it('on a retry recognises a wrapped body by its content; otherwise the body is the challenge', () => {
    const wrapping = { challengeField: 'w.c', challengeEncoding: 'hex' as const };
    const foreign = bytes('{"w":{"c":"08010203"}}');
    expect(recallChallenge(foreign, wrapping, 1)).toEqual(challenge);
    expect(recallChallenge(foreign, wrapping, 0)).toBe(foreign);
    const clearKeyChallenge = bytes('{"kids":["qJAgclMSEuhxfyruuYzqHA"],"type":"temporary"}');
    expect(recallChallenge(clearKeyChallenge, wrapping, 1)).toBe(clearKeyChallenge);
  });

  it('validates wrapping options', () => {
    expect(wrappingProblem({ challengeField: 'x' })).toBeNull();
    expect(wrappingProblem({ challengeField: '' })).toMatch(/challengeField/);
    expect(wrappingProblem({ challengeField: 'x', challengeEncoding: 'b64' })).toMatch(/challengeEncoding/);
    expect(wrappingProblem({ challengeField: 'x', fields: [] })).toMatch(/fields/);
    expect(wrappingProblem({ challengeField: 'x', contentType: '' })).toMatch(/contentType/);
    expect(unwrappingProblem({ path: '' })).toBeNull();
    expect(unwrappingProblem({ path: 'a..b' })).toMatch(/path/);
    expect(unwrappingProblem({ path: 'a', encoding: 'utf8' })).toMatch(/encoding/);
  });
});

describe('wire: response unwrapping', () => {
  const license = bytes('{"keys":[]}');
  const b64 = 'eyJrZXlzIjpbXX0=';

  it('takes a base64 license from a JSON field, nested or not', () => {
    expect(unwrapLicense(bytes(`{"rawLicenseBase64":"${b64}"}`), { path: 'rawLicenseBase64' })).toEqual({ ok: true, license });
    expect(unwrapLicense(bytes(`{"data":{"license":"${b64}"},"x":1}`), { path: 'data.license' })).toEqual({ ok: true, license });
    expect(
      unwrapLicense(bytes(`{"getWidevineLicenseResponse":{"license":"${b64}"}}`), { path: 'getWidevineLicenseResponse.license' }),
    ).toEqual({ ok: true, license });
  });

  it('reads base64url and hex licenses', () => {
    expect(unwrapLicense(bytes('{"l":"eyJrZXlzIjpbXX0"}'), { path: 'l', encoding: 'base64url' })).toEqual({ ok: true, license });
    expect(unwrapLicense(bytes('{"l":"7b226b657973223a5b5d7d"}'), { path: 'l', encoding: 'hex' })).toEqual({ ok: true, license });
  });

  it('reads a plain-text base64 body (trailing newline ignored)', () => {
    expect(unwrapLicense(bytes(`${b64}\n`), { path: '' })).toEqual({ ok: true, license });
  });

  it('passes a non-JSON reply through when unwrapping is optional', () => {
    const raw = new Uint8Array([8, 2, 0, 0xff]);
    const result = unwrapLicense(raw, { path: 'license', optional: true });
    expect(result).toEqual({ ok: true, license: raw });
  });

  it('explains every malformed reply', () => {
    const reason = (body: Uint8Array | string, unwrapping: Parameters<typeof unwrapLicense>[1]): string => {
      const result = unwrapLicense(typeof body === 'string' ? bytes(body) : body, unwrapping);
      if (result.ok) throw new Error('expected a failure');
      return result.reason;
    };
    expect(reason('', { path: 'license' })).toBe('is empty');
    expect(reason('<html>busy</html>', { path: 'license' })).toBe('is not JSON, so it has no "license" (it starts "<html>busy</html>")');
    expect(reason(new Uint8Array([8, 2, 0, 0xff]), { path: 'license' })).toBe(
      'is not JSON, so it has no "license" (4 bytes of binary data)',
    );
    expect(reason('{"licence":"x"}', { path: 'license' })).toBe('has no "license"');
    expect(reason('{"data":{"license":5}}', { path: 'data.license' })).toBe('has a number at "data.license", not base64 text');
    expect(reason('{"license":"not base64!"}', { path: 'license' })).toBe('has "license" that is not valid base64');
    expect(reason('{"license":""}', { path: 'license' })).toBe('has an empty "license"');
    expect(reason('%%%', { path: '' })).toBe('is not base64 text (it starts "%%%")');
    expect(reason('\n', { path: '' })).toBe('is blank');
    expect(reason('', { path: 'license', optional: true })).toBe('is empty');
  });

  it('hands back the parsed JSON of a reply without a license (for error extraction)', () => {
    const result = unwrapLicense(bytes('{"status":"ko","code":89}'), { path: 'license' });
    expect(result).toEqual({ ok: false, reason: 'has no "license"', json: { status: 'ko', code: 89 } });
  });
});

describe('wire: headers', () => {
  it('sets a header replacing any spelling of its name, or removes it', () => {
    expect(withHeader({ 'content-type': 'text/xml', A: '1' }, 'Content-Type', 'application/json')).toEqual({
      A: '1',
      'Content-Type': 'application/json',
    });
    expect(withHeader({ SOAPAction: 'x', A: '1' }, 'soapaction', null)).toEqual({ A: '1' });
  });

  it('refuses values with line breaks or non-Latin-1 text', () => {
    expect(isHeaderValue('Bearer abc')).toBeTrue();
    expect(isHeaderValue('a\r\nX-Evil: 1')).toBeFalse();
    expect(isHeaderValue('€')).toBeFalse();
  });
});

describe('wire: error extraction', () => {
  const reply = {
    status: 401,
    headers: { 'x-error': 'Token expired at 10:00' },
    bodyText: '{"error":{"code":"AUTH_EXPIRED","message":"expired"},"n":89}',
  };

  it('reads code and message from JSON paths or headers', () => {
    expect(readProviderError({ code: 'error.code', message: 'error.message' }, reply)).toEqual({
      providerCode: 'AUTH_EXPIRED',
      message: 'expired',
    });
    expect(readProviderError({ code: 'n', message: { header: 'X-Error' } }, reply)).toEqual({
      providerCode: 89,
      message: 'Token expired at 10:00',
    });
    expect(readProviderError({ code: 'missing', message: { header: 'x-none' } }, reply)).toEqual({});
    expect(readProviderError({ code: 'error.code' }, { headers: {}, bodyText: '<html>' })).toEqual({});
  });

  it('classifies by rules, first match wins, then by status', () => {
    const rules = [
      { providerCode: 'AUTH_EXPIRED', means: 'TOKEN_EXPIRED' as const },
      { status: [401, 403], providerCode: [1020, '1021'], means: 'TOKEN_INVALID' as const },
      { status: 451, means: 'NOT_ENTITLED' as const },
    ];
    expect(classifyFailure(401, 'AUTH_EXPIRED', rules)).toBe('TOKEN_EXPIRED');
    expect(classifyFailure(403, '1020', rules)).toBe('TOKEN_INVALID');
    expect(classifyFailure(403, 1021, rules)).toBe('TOKEN_INVALID');
    expect(classifyFailure(500, 1021, rules)).toBe('LICENSE_SERVER_ERROR');
    expect(classifyFailure(451, undefined, rules)).toBe('NOT_ENTITLED');
    expect(classifyFailure(401, undefined)).toBe('TOKEN_INVALID');
    expect(classifyFailure(403, undefined)).toBe('NOT_ENTITLED');
    expect(classifyFailure(400, undefined)).toBe('BAD_REQUEST');
  });

  it('builds a KeyflowError with status, provider code and message', () => {
    const error = extractError(
      { code: 'error.code', message: 'error.message', rules: [{ providerCode: 'AUTH_EXPIRED', means: 'TOKEN_EXPIRED' }] },
      reply,
      'License server',
      'org.w3.clearkey',
    );
    expect(error.code).toBe('TOKEN_EXPIRED');
    expect(error.httpStatus).toBe(401);
    expect(error.providerCode).toBe('AUTH_EXPIRED');
    expect(error.keySystem).toBe('org.w3.clearkey');
    expect(error.message).toBe('License server answered HTTP 401: expired [AUTH_EXPIRED]');
  });

  it('validates extraction options', () => {
    expect(
      errorExtractionProblem({ code: 'a.b', message: { header: 'X-E' }, rules: [{ status: 401, means: 'TOKEN_INVALID' }] }),
    ).toBeNull();
    expect(errorExtractionProblem({ code: { header: 'bad header' } })).toMatch(/code/);
    expect(errorExtractionProblem({ rules: [{ means: 'OOPS' }] })).toMatch(/means/);
    expect(errorExtractionProblem({ rules: [{ status: 99, means: 'NOT_ENTITLED' }] })).toMatch(/status/);
    expect(errorExtractionProblem({ rules: {} })).toMatch(/rules/);
  });

  it('reads RFC 7807 problem records', () => {
    expect(
      parseProblemDetails(
        '{"type":"https://dashif.org/drm-problems/not-authorized","title":"Not authorized","detail":"No plan","href":"https://x","status":403}',
      ),
    ).toEqual({
      type: 'https://dashif.org/drm-problems/not-authorized',
      title: 'Not authorized',
      detail: 'No plan',
      href: 'https://x',
    });
    expect(parseProblemDetails('{"title":"Oops"}')).toEqual({ type: 'about:blank', title: 'Oops' });
    expect(parseProblemDetails('{"keys":[]}')).toBeNull();
    expect(parseProblemDetails('nope')).toBeNull();
  });
});

describe('wire: Clear Key shapes and request key IDs', () => {
  const challenge = bytes('{"kids":["qJAgclMSEuhxfyruuYzqHA","SmM0mgHzNQSkJJ5Xd0Z-iQ"],"type":"temporary"}');

  it('reads the key IDs of a Clear Key challenge', () => {
    expect(clearKeyChallengeKeyIds(challenge)).toEqual([VIDEO, AUDIO]);
    expect(clearKeyChallengeKeyIds(new Uint8Array([8, 1]))).toBeNull();
    expect(clearKeyChallengeKeyIds(bytes('{"kids":["+/="]}'))).toBeNull();
  });

  it('says why a license is not a Clear Key license', () => {
    expect(clearKeyLicenseProblem(bytes('{"keys":[{"kty":"oct","k":"a","kid":"b"}]}'))).toBeNull();
    expect(clearKeyLicenseProblem(new Uint8Array([0xff, 0xfe]))).toBe('it is not UTF-8 text');
    expect(clearKeyLicenseProblem(bytes('eyJrZXlzIjpbXX0='))).toBe('it is not JSON');
    expect(clearKeyLicenseProblem(bytes('{"license":"x"}'))).toBe('it has no "keys" array');
    expect(clearKeyLicenseProblem(bytes('{"keys":[]}'))).toBe('its "keys" array is empty');
    expect(clearKeyLicenseProblem(bytes('{"keys":[{"k":"a","kid":"b"}]}'))).toBe('keys[0] is not a {"kty":"oct","k":…,"kid":…} key');
  });

  function drmRequest(overrides: Partial<DrmRequest>): DrmRequest {
    return {
      kind: 'license',
      keySystem: 'org.w3.clearkey',
      url: 'https://l.test/',
      headers: {},
      body: new Uint8Array(0),
      messageType: 'license-request',
      attempt: 0,
      initData: null,
      initDataType: null,
      keyIds: [],
      ...overrides,
    };
  }

  it('takes key IDs from the Clear Key challenge first, then init data, then Shaka', () => {
    const keyidsInitData = bytes('{"kids":["qJAgclMSEuhxfyruuYzqHA"]}');
    expect(requestKeyIds(drmRequest({ keyIds: ['00'] }), challenge)).toEqual([AUDIO, VIDEO]);
    expect(requestKeyIds(drmRequest({ initData: keyidsInitData, initDataType: 'keyids', keyIds: [AUDIO] }), new Uint8Array(0))).toEqual([
      VIDEO,
    ]);
    expect(requestKeyIds(drmRequest({ keySystem: 'com.widevine.alpha', keyIds: [VIDEO.toUpperCase(), AUDIO, VIDEO] }), challenge)).toEqual([
      AUDIO,
      VIDEO,
    ]);
    expect(requestKeyIds(drmRequest({ keySystem: 'com.widevine.alpha', keyIds: [VIDEO, 'not-hex', 'abc'] }), challenge)).toEqual([VIDEO]);
    expect(
      requestKeyIds(drmRequest({ initData: new Uint8Array([1, 2, 3]), initDataType: 'cenc', keyIds: [VIDEO] }), new Uint8Array(0)),
    ).toEqual([VIDEO]);
  });

  it('reads the Widevine content_id of the init data', () => {
    // A v0 Widevine pssh box whose data is WidevinePsshData { key_id: VIDEO, content_id: "movie-1" }.
    const data = [0x12, 0x10, ...Array.from(VIDEO.match(/../g)!, (h) => parseInt(h, 16)), 0x22, 0x07, ...bytes('movie-1')];
    const systemId = 'edef8ba979d64acea3c827dcd51d21ed'.match(/../g)!.map((h) => parseInt(h, 16));
    const size = 32 + data.length;
    const box = new Uint8Array([0, 0, 0, size, ...bytes('pssh'), 0, 0, 0, 0, ...systemId, 0, 0, 0, data.length, ...data]);
    const request = drmRequest({ keySystem: 'com.widevine.alpha', initData: box, initDataType: 'cenc' });
    expect(psshContentId(request)).toBe('movie-1');
    expect(requestKeyIds(request, new Uint8Array([8, 4]))).toEqual([VIDEO]);
    expect(psshContentId(drmRequest({}))).toBeNull();
  });
});
