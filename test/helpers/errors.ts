import { KeyflowError } from '../../src/api/errors';

/** Runs `fn`, expects it to throw a KeyflowError, and returns it (fails the spec otherwise). */
export function keyflowErrorOf(fn: () => unknown): KeyflowError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KeyflowError);
    return error as KeyflowError;
  }
  throw new Error('expected a KeyflowError');
}
