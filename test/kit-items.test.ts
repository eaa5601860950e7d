import assert from 'node:assert/strict';
import { TieNodeError } from '../nodes/kit/errors';
import { type InputItem, type ItemSettingName, type Subject, checkBatchSize, readItem, withInputContext } from '../nodes/kit/items';
import { textFromUser as parseText } from '../src/tie/arguments';
import {
  fileTypeFromUser as parseFileType,
  queryLimitFromUser as parseQueryLimit,
  trustLevelFromUser as parseTrustLevel,
} from '../src/tie/arguments';
import { TieError } from '../src/tie/errors';

const MD5 = 'f2c7bb8acc97f92e987a2d4087d021b1';
const SHA1 = '7eb0139d2175739b3ccb0d1110067820be6abd29';
const SHA256 = '142e1d688ef0568370c37187fd9f2351d7ddeda574f8bfa9b0fa4ef42db85aa2';

/** An item read as the request road reads it: validated, its errors given the input's context. */
function parseItem(value: unknown, subject: Subject, accepted: readonly ItemSettingName[], label: string, index?: number): InputItem {
  return withInputContext(label, index, () => readItem(value, subject, accepted, label, index));
}

/** A batch read as the request road reads it: its size checked, then every item before anything is sent. */
function parseBatch(values: readonly unknown[], subject: Subject, accepted: readonly ItemSettingName[], label: string): InputItem[] {
  checkBatchSize(values, label);
  return values.map((value, index) => parseItem(value, subject, accepted, `${label}[${index}]`, index));
}

function invalid(run: () => unknown, pattern: RegExp, index?: number): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof TieNodeError);
    assert.equal(error.code, 'TIE_INVALID_INPUT');
    assert.match(error.message, pattern);
    assert.equal(error.index, index);
    return true;
  });
}

describe('kit: input items', () => {
  it('reads a bare hex digest by its length, in any case', () => {
    assert.deepEqual(parseItem(MD5.toUpperCase(), 'file', [], 'msg.payload').target, { subject: 'file', hashes: { md5: MD5 } });
    assert.deepEqual(parseItem(` ${SHA1} `, 'file', [], 'msg.payload').target, { subject: 'file', hashes: { sha1: SHA1 } });
    assert.deepEqual(parseItem(SHA256, 'file', [], 'msg.payload').target, { subject: 'file', hashes: { sha256: SHA256 } });
  });

  it('reads hash dicts, with keys in any case, and a nested hashes property', () => {
    assert.deepEqual(parseItem({ MD5, Sha1: SHA1 }, 'file', [], 'x').target, { subject: 'file', hashes: { md5: MD5, sha1: SHA1 } });
    assert.deepEqual(parseItem({ hashes: { sha256: SHA256 } }, 'file', [], 'x').target, { subject: 'file', hashes: { sha256: SHA256 } });
    assert.deepEqual(parseItem({ hashes: SHA256 }, 'file', [], 'x').target, { subject: 'file', hashes: { sha256: SHA256 } });
  });

  it('keeps the settings the node accepts and refuses any other property, naming it', () => {
    const item = parseItem({ sha256: SHA256, trustLevel: 99, filename: 'a.exe' }, 'file', ['trustLevel', 'filename'], 'msg.payload');
    assert.deepEqual(item.settings, { trustLevel: 99, filename: 'a.exe' });
    invalid(
      () => parseItem({ sha256: SHA256, trustlevel: 99 }, 'file', ['trustLevel'], 'msg.payload'),
      /msg\.payload has an unknown property "trustlevel".*trustLevel/,
    );
    invalid(() => parseItem({ sha256: SHA256, queryLimit: 3 }, 'file', [], 'msg.payload'), /unknown property "queryLimit"/);
  });

  it('refuses malformed hashes with the input named and the reason', () => {
    invalid(
      () => parseItem('abc', 'file', [], 'msg.payload'),
      /^msg\.payload: hash "abc" has 3 hexadecimal characters; expected 32 \(md5\), 40 \(sha1\) or 64 \(sha256\)/,
    );
    invalid(() => parseItem(`${MD5.slice(0, 31)}g`, 'file', [], 'msg.payload'), /not hexadecimal: character "g" at position 32/);
    invalid(
      () => parseItem({ md5: SHA1 }, 'file', [], 'msg.hashes'),
      /^msg\.hashes: md5 hash .* has 40 hexadecimal characters; an md5 hash has 32/,
    );
    invalid(() => parseItem({ hashes: { md5: MD5 }, sha1: SHA1 }, 'file', [], 'x'), /gives hashes twice/);
    invalid(() => parseItem(undefined, 'file', [], 'msg.payload'), /msg\.payload is empty/);
    invalid(() => parseItem(42, 'file', [], 'msg.payload'), /must be a file hash .* got number/);
    invalid(() => parseItem({}, 'file', [], 'msg.payload'), /no hashes given/);
  });

  it('reads certificates as a sha1 string, {sha1, publicKeySha1} or {hashes: {sha1}}', () => {
    assert.deepEqual(parseItem(SHA1, 'certificate', [], 'x').target, { subject: 'certificate', sha1: SHA1 });
    assert.deepEqual(parseItem({ sha1: SHA1, publicKeySha1: MD5 + '00000000' }, 'certificate', [], 'x').target, {
      subject: 'certificate',
      sha1: SHA1,
      publicKeySha1: `${MD5}00000000`,
    });
    assert.deepEqual(parseItem({ hashes: { sha1: SHA1 } }, 'certificate', [], 'x').target, { subject: 'certificate', sha1: SHA1 });
    invalid(() => parseItem(SHA256, 'certificate', [], 'x'), /certificate sha1 .* has 64 hexadecimal characters; a sha1 hash has 40/);
    invalid(() => parseItem({ hashes: { md5: MD5 } }, 'certificate', [], 'x'), /identified by its sha1 only/);
    invalid(() => parseItem({ sha256: SHA256 }, 'certificate', [], 'x'), /unknown property "sha256"/);
  });

  it('validates a whole batch and reports the first bad item with its index', () => {
    assert.equal(parseBatch([MD5, { sha1: SHA1 }], 'file', [], 'msg.payload').length, 2);
    invalid(() => parseBatch([MD5, SHA1, 'nope'], 'file', [], 'msg.payload'), /^msg\.payload\[2\]: hash "nope"/, 2);
  });
});

/** A refusal of a setting reader: a TieError whose message names the setting as given. */
function refused(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof TieError);
    assert.equal(error.code, 'TIE_INVALID_INPUT');
    assert.match(error.message, pattern);
    return true;
  });
}

describe('kit: setting values', () => {
  it('reads trust levels as numbers, numeric text or names', () => {
    assert.equal(parseTrustLevel(99, 'l'), 99);
    assert.equal(parseTrustLevel('85', 'l'), 85);
    assert.equal(parseTrustLevel('KNOWN_MALICIOUS', 'l'), 1);
    assert.equal(parseTrustLevel('Most Likely Trusted', 'l'), 85);
    assert.equal(parseTrustLevel('known-trusted-installer', 'l'), 100);
    assert.equal(parseTrustLevel(0, 'l'), 0);
    refused(
      () => parseTrustLevel(98, 'msg.trustLevel'),
      /msg\.trustLevel 98 is not a TIE trust level: expected one of 100 \(Known Trusted Installer\), 99/,
    );
    refused(() => parseTrustLevel('trusted', 'msg.trustLevel'), /"trusted" is not a TIE trust level/);
    refused(() => parseTrustLevel(undefined, 'msg.trustLevel'), /msg\.trustLevel was not specified/);
  });

  it('reads file types by name or number, NONE when unset', () => {
    assert.equal(parseFileType('PEEXE', 'f'), 18);
    assert.equal(parseFileType('peexe', 'f'), 18);
    assert.equal(parseFileType(4328554496, 'f'), 4328554496);
    assert.equal(parseFileType('', 'f'), 0);
    refused(() => parseFileType(3, 'msg.fileType'), /msg\.fileType 3 is not a TIE file type/);
  });

  it('reads query limits and texts', () => {
    assert.equal(parseQueryLimit(undefined, 'q', 500), 500);
    assert.equal(parseQueryLimit('7', 'q', 500), 7);
    refused(() => parseQueryLimit(0, 'msg.queryLimit', 500), /msg\.queryLimit 0 is not a query limit/);
    refused(() => parseQueryLimit(2.5, 'msg.queryLimit', 500), /not a query limit/);
    assert.equal(parseText(null, 'c'), '');
    assert.equal(parseText(12, 'c'), '12');
    refused(() => parseText({}, 'msg.comment'), /msg\.comment must be text, got object/);
  });

  it('takes blanks for nothing given, as the number settings do', () => {
    refused(() => parseTrustLevel('  ', 'msg.trustLevel'), /msg\.trustLevel was not specified/);
    assert.equal(parseFileType(' \t', 'f'), 0);
    assert.equal(parseQueryLimit('   ', 'q', 500), 500);
    assert.equal(parseText('  ', 'c'), '  ', 'text given is text, blanks and all');
  });
});
