/**
 * The one decoder of JSON received (parseJsonPayload): a nesting bound checked before parsing,
 * errors that name the position or the bound and never the text.
 */
import assert from 'node:assert/strict';
import { DxlError, DxlErrorCode } from '../src/dxl/errors';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../src/dxl/json-depth';
import { parseJsonPayload } from '../src/dxl/message';
import { REPUTATION_RESPONSE } from '../bench/workload';

/** `depth` arrays inside one another around `inner`. */
function nested(depth: number, inner = '1'): string {
  return '['.repeat(depth) + inner + ']'.repeat(depth);
}

function refusal(text: string | Buffer): DxlError {
  try {
    parseJsonPayload(Buffer.isBuffer(text) ? text : Buffer.from(text));
  } catch (error) {
    assert.ok(error instanceof DxlError, 'a DxlError');
    return error;
  }
  assert.fail('parsed');
}

describe('JSON received: parseJsonPayload and its nesting bound', () => {
  it(`takes ${MAX_JSON_DEPTH} levels and refuses ${MAX_JSON_DEPTH + 1} with DXL_MALFORMED naming the bound`, () => {
    assert.equal(JSON.stringify(parseJsonPayload(Buffer.from(nested(MAX_JSON_DEPTH)))), nested(MAX_JSON_DEPTH));
    const error = refusal(nested(MAX_JSON_DEPTH + 1));
    assert.equal(error.code, DxlErrorCode.Malformed);
    assert.match(error.message, new RegExp(`deeper than the ${MAX_JSON_DEPTH} levels`));
  });

  it('refuses the 12 KB, 6,000-level event that ended Node-RED, objects and arrays alike', () => {
    const deep = '{"a":'.repeat(3000) + nested(3000) + '}'.repeat(3000);
    assert.equal(refusal(deep).code, DxlErrorCode.Malformed);
    assert.equal(refusal(nested(6000)).code, DxlErrorCode.Malformed);
  });

  it('counts no bracket inside a string, escaped quotes and backslashes included, short or long', () => {
    for (const filler of ['', 'x'.repeat(100)]) {
      const strings = [`"${filler}[[[[{{{{"`, `"${filler}\\"[[[[\\""`, `"${filler}\\\\"`, `"${filler}\\\\\\"[[["`];
      const text = `{"k":[${strings.join(',')}, "${'['.repeat(500)}"]}`;
      assert.equal(nestsDeeperThan(Buffer.from(text), text.length, 2), false, text.slice(0, 60));
      assert.deepEqual((parseJsonPayload(Buffer.from(text)) as { k: string[] }).k.length, strings.length + 1);
    }
    // After an escaped backslash the quote does end the string: the brackets after it count.
    const after = `["${'x'.repeat(60)}\\\\",${nested(4)}]`;
    assert.equal(nestsDeeperThan(Buffer.from(after), after.length, 4), true);
  });

  it('needs no scan for a payload too short to nest deeper than the bound (each level takes two bytes)', () => {
    // Not JSON, and 2 × depth bytes long: nothing valid of that length could nest that deep.
    const short = Buffer.from('['.repeat(2 * MAX_JSON_DEPTH));
    assert.equal(nestsDeeperThan(short, short.length, MAX_JSON_DEPTH), false);
    assert.equal(nestsDeeperThan(Buffer.from('['.repeat(2 * MAX_JSON_DEPTH + 1)), 2 * MAX_JSON_DEPTH + 1, MAX_JSON_DEPTH), true);
  });

  it('reads a TIE response and trims the newline and NUL the OpenDXL broker adds', () => {
    const parsed = parseJsonPayload(Buffer.from(`${REPUTATION_RESPONSE}\n\u0000`));
    assert.deepEqual(parsed, JSON.parse(REPUTATION_RESPONSE));
  });

  it('says where a text is not JSON, never what it holds', () => {
    const secret = 'SECRET-from-the-wire';
    for (const text of [secret, `{"a" ${secret}}`, `[1]${secret}`, `"${secret}`, `{"${secret}":`, '']) {
      const error = refusal(text);
      assert.equal(error.code, DxlErrorCode.Malformed);
      assert.ok(!error.message.includes('SECRET'), error.message);
      assert.ok(!error.message.includes('"'), error.message);
    }
    assert.match(refusal('{"a" 1}').message, /^invalid at position 5 of its 7 characters$/);
    assert.match(refusal('{"a":').message, /^the text ends before its JSON does$/);
  });
});
