// SOAP Fault decoding (src/providers/engine/soap-fault.ts) and its use by the ExpressPlay provider's
// decodeFailure(): PlayReady license servers answer errors as SOAP Faults, usually with HTTP 500.
import { expressPlayProvider } from '../../src/providers/expressplay';
import { parseSoapFault } from '../../src/providers/engine/soap-fault';

const PR = 'com.microsoft.playready';

/** The ExpressPlay emulator's fault for a forged token (src/testing/playready-messages.ts buildSoapFault). */
const EMULATOR_FAULT =
  '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
  '<soap:Fault><faultcode>soap:Client</faultcode><faultstring>Invalid token</faultstring>' +
  '<detail><Exception><StatusCode>0x8004C604</StatusCode><ErrorCode>-4010</ErrorCode></Exception></detail>' +
  '</soap:Fault></soap:Body></soap:Envelope>';

/** A PlayReady server's fault as real servers shape it (ASP.NET SoapException, HRESULT in detail). */
const SERVER_FAULT = `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <soap:Body>
    <soap:Fault>
      <faultcode>soap:Server</faultcode>
      <faultstring>System.Web.Services.Protocols.SoapException: Server was unable to process request. ---&gt; Internal error [0x8004C600]</faultstring>
      <faultactor>https://pr.example.test/rightsmanager.asmx?PlayRight=1</faultactor>
      <detail>
        <Exception>
          <StatusCode>0x8004C600</StatusCode>
        </Exception>
      </detail>
    </soap:Fault>
  </soap:Body>
</soap:Envelope>`;

describe('parseSoapFault()', () => {
  it('reads the emulator’s fault: code, string, StatusCode, ErrorCode', () => {
    expect(parseSoapFault(EMULATOR_FAULT)).toEqual({
      faultCode: 'soap:Client',
      faultString: 'Invalid token',
      statusCode: '0x8004C604',
      errorCode: -4010,
    });
  });

  it('reads a SOAP 1.1 server fault with whitespace, entities and an actor', () => {
    expect(parseSoapFault(SERVER_FAULT)).toEqual({
      faultCode: 'soap:Server',
      faultString: 'System.Web.Services.Protocols.SoapException: Server was unable to process request. ---> Internal error [0x8004C600]',
      faultActor: 'https://pr.example.test/rightsmanager.asmx?PlayRight=1',
      statusCode: '0x8004C600',
    });
  });

  it('reads SOAP 1.2 (Code/Value, Reason/Text), any prefix, CDATA and character references', () => {
    const soap12 =
      '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault>' +
      '<env:Code><env:Value>env:Sender</env:Value></env:Code>' +
      '<env:Reason><env:Text xml:lang="en"><![CDATA[Token <expired>]]> &#x2014; &#8212;</env:Text></env:Reason>' +
      '<env:Detail><x:Err xmlns:x="urn:x"><x:statuscode>0x8004C604</x:statuscode><x:errorCode>-4011</x:errorCode></x:Err></env:Detail>' +
      '</env:Fault></env:Body></env:Envelope>';
    expect(parseSoapFault(soap12)).toEqual({
      faultCode: 'env:Sender',
      faultString: 'Token <expired> — —',
      statusCode: '0x8004C604',
      errorCode: -4011,
    });
  });

  it('is tolerant: missing parts are absent, a non-numeric ErrorCode is ignored, no prefix is fine', () => {
    expect(parseSoapFault('<Fault></Fault>')).toEqual({});
    expect(parseSoapFault('<Fault><faultstring>x</faultstring><detail><ErrorCode>n/a</ErrorCode></detail></Fault>')).toEqual({
      faultString: 'x',
    });
  });

  it('returns null for anything that holds no Fault: JSON, HTML, empty, a license response', () => {
    expect(parseSoapFault('{"errorCode":-4010,"errorMessage":"Invalid token"}')).toBeNull();
    expect(parseSoapFault('<!DOCTYPE html><html><body><h1>Error -4010</h1></body></html>')).toBeNull();
    expect(parseSoapFault('')).toBeNull();
    expect(parseSoapFault('<soap:Envelope><soap:Body><AcquireLicenseResponse/></soap:Body></soap:Envelope>')).toBeNull();
    expect(parseSoapFault('<FaultyThing>x</FaultyThing>')).toBeNull();
    expect(parseSoapFault(undefined as unknown as string)).toBeNull();
  });

  it('looks at the first 64 KiB only and gives typed results on large or hostile input', () => {
    // No timing here: test/unit/worst-case-inputs.spec.ts has the worst cases, scripts/bench/worst-case.mjs times them.
    expect(parseSoapFault(`${'<a>'.repeat(40000)}<Fault><faultstring>late</faultstring></Fault>`)).toBeNull();
    expect(parseSoapFault(`<Fault>${'<faultstring'.repeat(5000)}`)).toBeNull(); // never closed
    expect(parseSoapFault('<Fault>'.repeat(20000))).toBeNull();
    expect(parseSoapFault('<soap:Fault '.repeat(20000))).toBeNull();
    expect(parseSoapFault(`<Fault><detail>${'<ErrorCode>'.repeat(3000)}</detail></Fault>`)).toEqual({});
  });

  it('strips markup as before: from a `<` to the next `>`; a `<` with no `>` after it stays', () => {
    const text = (inner: string) => parseSoapFault(`<Fault><faultstring>${inner}</faultstring></Fault>`)?.faultString;
    expect(text('a <b>bold</b> word')).toBe('a bold word');
    expect(text('1 <a<b> 2')).toBe('1  2'); // the first `<` runs to the first `>`
    expect(text('x < y')).toBe('x < y');
    expect(text('x &lt; y <br/> z <')).toBe('x < y  z <');
  });

  it('unwraps every terminated CDATA section; an unterminated one, and what follows, stays as written', () => {
    const text = (inner: string) => parseSoapFault(`<Fault><faultstring>${inner}</faultstring></Fault>`)?.faultString;
    expect(text('<![CDATA[a<b>]]>-<![CDATA[&amp;]]>')).toBe('a<b>-&amp;');
    expect(text('<![CDATA[<![CDATA[x]]>')).toBe('<![CDATA[x');
    expect(text('<![CDATA[a]]> <![CDATA[b')).toBe('a <![CDATA[b');
    expect(text('<![CDATA[never ends')).toBe('<![CDATA[never ends');
  });
});

describe('ExpressPlay decodeFailure() with SOAP Faults', () => {
  const failure = (status: number, bodyText: string) =>
    expressPlayProvider.decodeFailure({ kind: 'license', keySystem: PR, status, headers: {}, bodyText }, { token: 't' });

  it('a fault with ErrorCode -4010 is TOKEN_INVALID, providerCode -4010, the faultstring in the message', () => {
    const error = failure(500, EMULATOR_FAULT);
    expect(error.code).toBe('TOKEN_INVALID');
    expect(error.httpStatus).toBe(500);
    expect(error.providerCode).toBe(-4010);
    expect(error.keySystem).toBe(PR);
    expect(error.message).toBe('ExpressPlay license server answered HTTP 500: Invalid token [-4010]');
  });

  it('documented codes decide despite HTTP 500; an undocumented code in a Client fault is BAD_REQUEST (SOAP 1.1 §4.4.1)', () => {
    const withCode = (code: number) => EMULATOR_FAULT.replace('-4010', String(code));
    expect(failure(500, withCode(-5002)).code).toBe('NOT_ENTITLED');
    expect(failure(500, withCode(-2019)).code).toBe('NOT_ENTITLED');
    const undocumented = failure(500, withCode(-4012));
    expect(undocumented.code).toBe('BAD_REQUEST');
    expect(undocumented.providerCode).toBe(-4012);
    expect(failure(500, withCode(-4000)).code).toBe('BAD_REQUEST');
    const serverFault = withCode(-4012).replace(/soap:Client/g, 'soap:Server');
    expect(serverFault).not.toBe(withCode(-4012));
    expect(failure(500, serverFault).code).toBe('LICENSE_SERVER_ERROR');
    const soap12Sender =
      '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault>' +
      '<env:Code><env:Value>env:Sender</env:Value></env:Code><env:Reason><env:Text>no</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>';
    expect(failure(500, soap12Sender).code).toBe('BAD_REQUEST');
    expect(failure(500, '<Fault><faultcode>Client.Authentication</faultcode></Fault>').code).toBe('BAD_REQUEST');
    expect(failure(500, '<Fault><faultcode>ClientSide</faultcode></Fault>').code).toBe('LICENSE_SERVER_ERROR');
  });

  it('a fault without an ErrorCode: the PlayReady StatusCode is the providerCode, the status decides the code', () => {
    const error = failure(500, SERVER_FAULT);
    expect(error.code).toBe('LICENSE_SERVER_ERROR');
    expect(error.providerCode).toBe('0x8004C600');
    expect(error.message).toContain('System.Web.Services.Protocols.SoapException');
    expect(error.message).toMatch(/\[0x8004C600\]$/);
  });

  it('JSON error bodies are read as before', () => {
    const error = failure(403, '{"errorCode":-4012,"errorMessage":"Token does not grant the requested key IDs"}');
    expect(error.code).toBe('NOT_ENTITLED');
    expect(error.providerCode).toBe(-4012);
  });
});
