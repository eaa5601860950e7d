import assert from 'node:assert/strict';
import {
  TieError,
  TieErrorCode,
  base64ToHex,
  fromWireHashes,
  hashTypeForLength,
  hexToBase64,
  normalizeBareHash,
  normalizeCertificateHashes,
  normalizeHash,
  normalizeHashes,
  toWireHashes,
} from '../src/tie';
import { NOTEPAD, SAMPLE_CERT } from './support/tie-samples';

function throwsInvalid(fn: () => unknown, message: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof TieError, 'a TieError');
    assert.equal(error.code, TieErrorCode.InvalidInput);
    assert.equal(error.message, message);
    return true;
  });
}

describe('TIE hashes', () => {
  describe('hex <-> base64 of the raw digest bytes', () => {
    it('converts the notepad.exe triple both ways', () => {
      for (const type of ['md5', 'sha1', 'sha256'] as const) {
        assert.equal(hexToBase64(NOTEPAD.hex[type]), NOTEPAD.base64[type]);
        assert.equal(base64ToHex(NOTEPAD.base64[type]), NOTEPAD.hex[type]);
      }
    });

    it('reads upper-case hex and always writes lower-case hex', () => {
      assert.equal(hexToBase64(NOTEPAD.hex.md5.toUpperCase()), NOTEPAD.base64.md5);
      assert.equal(base64ToHex(hexToBase64('ABCDEF')), 'abcdef');
    });

    it('encodes bytes, not the hex text (base64 of "test" is hex 74657374)', () => {
      assert.equal(base64ToHex('dGVzdA=='), '74657374');
      assert.equal(hexToBase64('74657374'), 'dGVzdA==');
    });

    it('refuses odd-length and non-hex input instead of truncating it', () => {
      throwsInvalid(() => hexToBase64('abc'), 'hex value "abc" has an odd number of digits');
      throwsInvalid(() => hexToBase64('abzz'), 'hex value "abzz" is not hexadecimal: character "z" at position 3');
      throwsInvalid(() => base64ToHex('not base64!'), '"not base64!" is not standard padded base64');
    });
  });

  describe('normalizeHash', () => {
    it('trims surrounding whitespace and lower-cases', () => {
      assert.equal(normalizeHash(`  ${NOTEPAD.hex.md5.toUpperCase()}\n`, 'md5'), NOTEPAD.hex.md5);
    });

    it('says which hash is wrong and why', () => {
      throwsInvalid(() => normalizeHash(42, 'md5'), 'md5 hash must be a hexadecimal string, got number');
      throwsInvalid(() => normalizeHash('   ', 'sha1'), 'sha1 hash is empty');
      throwsInvalid(
        () => normalizeHash('f2c7bb8acc97f92e987a2d4087d021bg', 'md5'),
        'md5 hash "f2c7bb8acc97f92e987a2d4087d021bg" is not hexadecimal: character "g" at position 32',
      );
      throwsInvalid(
        () => normalizeHash(NOTEPAD.hex.md5, 'sha1'),
        `sha1 hash "${NOTEPAD.hex.md5}" has 32 hexadecimal characters; a sha1 hash has 40`,
      );
      throwsInvalid(
        () => normalizeHash(NOTEPAD.hex.sha1, 'md5'),
        `md5 hash "${NOTEPAD.hex.sha1}" has 40 hexadecimal characters; an md5 hash has 32`,
      );
      throwsInvalid(() => normalizeHash('12 34', 'md5'), 'md5 hash "1234" has 4 hexadecimal characters; an md5 hash has 32');
      throwsInvalid(() => normalizeHash('12 3x', 'md5'), 'md5 hash "12 3x" is not hexadecimal: character "x" at position 5');
    });

    it('joins a digest printed in groups or as colon-separated bytes', () => {
      const grouped = NOTEPAD.hex.md5.replace(/(.{8})(?!$)/g, '$1 ');
      assert.match(grouped, /^f2c7bb8a cc97f92e /);
      assert.equal(normalizeHash(grouped, 'md5'), NOTEPAD.hex.md5);
      assert.equal(normalizeHash(NOTEPAD.hex.sha1.toUpperCase().replace(/(..)(?!$)/g, '$1:'), 'sha1'), NOTEPAD.hex.sha1);
      assert.deepEqual(normalizeBareHash(`${grouped}\t`), { type: 'md5', hex: NOTEPAD.hex.md5 });
      assert.deepEqual(normalizeHashes(grouped), { md5: NOTEPAD.hex.md5 });
    });
  });

  describe('normalizeHashes', () => {
    it('keeps the caller order, lower-cases keys and values, skips null/undefined', () => {
      const out = normalizeHashes({ SHA256: NOTEPAD.hex.sha256.toUpperCase(), md5: ` ${NOTEPAD.hex.md5} `, sha1: undefined });
      assert.deepEqual(out, { sha256: NOTEPAD.hex.sha256, md5: NOTEPAD.hex.md5 });
      assert.deepEqual(Object.keys(out), ['sha256', 'md5']);
    });

    it('takes a bare hex string, its length naming the type', () => {
      assert.deepEqual(normalizeHashes(NOTEPAD.hex.md5), { md5: NOTEPAD.hex.md5 });
      assert.deepEqual(normalizeHashes(NOTEPAD.hex.sha1), { sha1: NOTEPAD.hex.sha1 });
      assert.deepEqual(normalizeHashes(NOTEPAD.hex.sha256.toUpperCase()), { sha256: NOTEPAD.hex.sha256 });
      assert.equal(hashTypeForLength(40), 'sha1');
      assert.equal(hashTypeForLength(41), undefined);
      throwsInvalid(
        () => normalizeBareHash('abcd'),
        'hash "abcd" has 4 hexadecimal characters; expected 32 (md5), 40 (sha1) or 64 (sha256)',
      );
    });

    it('refuses what is not a hash set', () => {
      throwsInvalid(() => normalizeHashes({}), 'no hashes given: expected at least one of md5, sha1 or sha256');
      throwsInvalid(() => normalizeHashes({ md5: null }), 'no hashes given: expected at least one of md5, sha1 or sha256');
      throwsInvalid(
        () => normalizeHashes(undefined),
        'hashes must be an object such as {"md5": "<32 hex digits>"} or a hex string, got undefined',
      );
      throwsInvalid(
        () => normalizeHashes([NOTEPAD.hex.md5]),
        'hashes must be an object such as {"md5": "<32 hex digits>"} or a hex string, got an array',
      );
      throwsInvalid(() => normalizeHashes({ sha512: 'ab' }), 'unknown hash type "sha512": expected md5, sha1 or sha256');
      throwsInvalid(
        () => normalizeHashes({ md5: NOTEPAD.hex.md5, MD5: NOTEPAD.hex.md5.replace('f', '0') }),
        'md5 hash given twice with different values',
      );
      throwsInvalid(
        () => normalizeHashes({ md5: NOTEPAD.hex.sha1 }),
        `md5 hash "${NOTEPAD.hex.sha1}" has 40 hexadecimal characters; an md5 hash has 32`,
      );
    });
  });

  describe('normalizeCertificateHashes', () => {
    it('requires a sha1 and treats an empty public key as absent', () => {
      assert.deepEqual(normalizeCertificateHashes(SAMPLE_CERT.sha1.toUpperCase(), ''), {
        sha1: SAMPLE_CERT.sha1,
        publicKeySha1: undefined,
      });
      assert.deepEqual(normalizeCertificateHashes(SAMPLE_CERT.sha1, SAMPLE_CERT.publicKeySha1), {
        sha1: SAMPLE_CERT.sha1,
        publicKeySha1: SAMPLE_CERT.publicKeySha1,
      });
      throwsInvalid(() => normalizeCertificateHashes(undefined), 'certificate sha1 is required');
      throwsInvalid(
        () => normalizeCertificateHashes(SAMPLE_CERT.sha1, 'abc'),
        'certificate publicKeySha1 "abc" has 3 hexadecimal characters; a sha1 hash has 40',
      );
    });
  });

  describe('wire lists', () => {
    it('hex dict -> [{type, value}] in dict order, and back', () => {
      const wire = toWireHashes(NOTEPAD.hex);
      assert.deepEqual(wire, [
        { type: 'md5', value: '8se7isyX+S6Yei1Ah9AhsQ==' },
        { type: 'sha1', value: 'frATnSF1c5s8yw0REAZ4IL5qvSk=' },
        { type: 'sha256', value: 'FC4daI7wVoNww3GH/Z8jUdfd7aV0+L+psPpO9C24WqI=' },
      ]);
      assert.deepEqual(fromWireHashes(wire), NOTEPAD.hex);
    });

    it('lets a later entry of the same type win, and keeps unknown types', () => {
      assert.deepEqual(
        fromWireHashes([
          { type: 'md5', value: 'AAAAAAAAAAAAAAAAAAAAAA==' },
          { type: 'md5', value: NOTEPAD.base64.md5 },
          { type: 'publicKeySha1', value: 'dGVzdA==' },
        ]),
        { md5: NOTEPAD.hex.md5, publicKeySha1: '74657374' },
      );
    });

    it('rejects a list that is not one, as an invalid response', () => {
      assert.throws(() => fromWireHashes('x'), {
        code: TieErrorCode.InvalidResponse,
        message: /^hashes is not a list of \{type, value\}: on the wire TIE sends \[\{"type": "md5"/,
      });
      assert.throws(() => fromWireHashes([{ type: 'md5' }]), {
        code: TieErrorCode.InvalidResponse,
        message: 'hashes[0] lacks a string type or value',
      });
    });
  });
});
