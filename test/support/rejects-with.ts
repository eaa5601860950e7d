import assert from 'node:assert/strict';

/** Asserts that `promise` rejects with an error of this code and this message (exactly, or matching); gives the error. */
export async function rejectsWith(promise: Promise<unknown>, code: string, message: string | RegExp): Promise<Error & { code?: unknown }> {
  let rejection: unknown;
  let rejected = false;
  try {
    await promise;
  } catch (error) {
    rejection = error;
    rejected = true;
  }
  assert.ok(rejected, `expected a rejection with ${code}`);
  assert.ok(rejection instanceof Error, `an Error, got ${String(rejection)}`);
  const error = rejection as Error & { code?: unknown };
  assert.equal(error.code, code, error.message);
  if (typeof message === 'string') assert.equal(error.message, message);
  else assert.match(error.message, message);
  return error;
}
