import { PsshDecodeError, guardDecode } from '../../src/pssh/errors';

describe('PsshDecodeError', () => {
  it('is an Error with a stable name, code and optional offset', () => {
    const e = new PsshDecodeError('TRUNCATED', 'box ends early', 12);
    expect(e instanceof PsshDecodeError).toBeTrue();
    expect(e instanceof Error).toBeTrue();
    expect(e.name).toBe('PsshDecodeError');
    expect(e.code).toBe('TRUNCATED');
    expect(e.offset).toBe(12);
    expect(e.message).toContain('box ends early');
    expect(e.message).toContain('12');
    expect(Object.getPrototypeOf(e)).toBe(PsshDecodeError.prototype);
  });

  it('leaves offset undefined when none is given', () => {
    const e = new PsshDecodeError('BAD_BOX', 'nope');
    expect(e.offset).toBeUndefined();
    expect(e.message).toBe('nope');
  });

  it('survives being thrown and caught', () => {
    try {
      throw new PsshDecodeError('TOO_LARGE', 'big');
    } catch (e) {
      expect(e instanceof PsshDecodeError).toBeTrue();
      expect((e as PsshDecodeError).code).toBe('TOO_LARGE');
    }
  });
});

describe('guardDecode', () => {
  it('returns the body result', () => {
    expect(guardDecode('x', () => 42)).toBe(42);
  });

  it('passes PsshDecodeError through unchanged', () => {
    const original = new PsshDecodeError('BAD_SIZE', 'size');
    let caught: unknown;
    try {
      guardDecode('x', () => {
        throw original;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(original);
  });

  it('wraps any other exception as INTERNAL', () => {
    let caught: unknown;
    try {
      guardDecode('decoderName', () => {
        throw new RangeError('boom');
      });
    } catch (e) {
      caught = e;
    }
    expect(caught instanceof PsshDecodeError).toBeTrue();
    expect((caught as PsshDecodeError).code).toBe('INTERNAL');
    expect((caught as PsshDecodeError).message).toContain('decoderName');
    expect((caught as PsshDecodeError).message).toContain('boom');
  });
});
