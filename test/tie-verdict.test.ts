import assert from 'node:assert/strict';
import {
  AtdTrustLevel,
  CertProvider,
  FileProvider,
  FileType,
  TieErrorCode,
  TrustLevel,
  aggregateToArray,
  atdToTrustLevel,
  atdTrustLevelName,
  computeVerdict,
  decodeAggregate,
  decodeAtdAttributes,
  decodeCertEnterpriseAttributes,
  decodeCertGtiAttributes,
  decodeFileEnterpriseAttributes,
  decodeServerVersion,
  encodeAggregate,
  encodeServerVersion,
  epochToIsoString,
  epochToLocalTimeString,
  fileProviderName,
  fileTypeName,
  hasDefinitiveReputation,
  isFileType,
  isTrustLevel,
  providerName,
  serverVersionString,
  trustLevelName,
} from '../src/tie';
import type { Reputation, Reputations } from '../src/tie';
import { NOTEPAD, SAMPLE_CERT } from './support/tie-samples';

function rep(providerId: number, trustLevel: number, attributes: Record<string, string> = {}): Reputation {
  return { providerId, trustLevel, createDate: 1480455704, attributes };
}

function reps(...list: Reputation[]): Reputations {
  const out: Reputations = {};
  for (const r of list) out[r.providerId] = r;
  return out;
}

describe('TIE constants', () => {
  it('has every table of the spec with its values', () => {
    assert.equal(FileProvider.EXTERNAL, 15);
    assert.deepEqual(Object.values(TrustLevel), [100, 99, 85, 70, 50, 30, 15, 1, 0]);
    assert.deepEqual(CertProvider, { GTI: 2, ENTERPRISE: 4 });
    assert.equal(Object.keys(FileType).length, 39);
    assert.equal(FileType.JAR, 4328554496);
    assert.equal(AtdTrustLevel.NOT_SET, -2);
  });

  it('names trust levels, providers, ATD levels and file types', () => {
    assert.equal(trustLevelName(99), 'Known Trusted');
    assert.equal(trustLevelName(100), 'Known Trusted Installer');
    assert.equal(trustLevelName(0), 'Not Set');
    assert.equal(trustLevelName(15), 'Most Likely Malicious');
    assert.equal(trustLevelName(42), 'Trust level 42');
    assert.equal(fileProviderName(15), 'External');
    assert.equal(providerName(2), 'Global Threat Intelligence (GTI)');
    assert.equal(providerName(4), 'Enterprise');
    assert.equal(providerName(9), 'Provider 9');
    assert.equal(atdTrustLevelName(5), 'Known Malicious');
    assert.equal(atdToTrustLevel(-1), 99);
    assert.equal(atdToTrustLevel(9), undefined);
    assert.equal(fileTypeName(18), 'PEEXE');
    assert.equal(fileTypeName(2147483648), 'CLASS');
    assert.equal(fileTypeName(3), undefined);
    assert.ok(isFileType(0) && isFileType(4328554496) && !isFileType(3) && !isFileType('18'));
    assert.ok(isTrustLevel(85) && !isTrustLevel(86) && !isTrustLevel('85'));
  });
});

describe('TIE attribute decoding', () => {
  it('server version via BigInt (above 2^53)', () => {
    assert.deepEqual(decodeServerVersion('73183493944770750'), { major: 1, minor: 4, patch: 0, build: 190 });
    assert.equal(serverVersionString('72339069014638857'), '1.1.0.265');
    assert.equal(serverVersionString('18446744073709551615'), '255.255.65535.4294967295');
    assert.equal(encodeServerVersion({ major: 1, minor: 4, patch: 0, build: 190 }), '73183493944770750');
    assert.throws(() => decodeServerVersion('1.4'), { code: TieErrorCode.InvalidInput });
    assert.throws(() => decodeServerVersion('18446744073709551616'), { code: TieErrorCode.InvalidInput });
  });

  it('aggregates: five little-endian uint16, the average /100', () => {
    assert.deepEqual(aggregateToArray(decodeAggregate('AgBkADIAZABMHQ==')), [2, 100, 50, 100, 75]);
    assert.deepEqual(aggregateToArray(decodeAggregate('AQAAAAAAAAAAAA==')), [1, 0, 0, 0, 0]);
    const aggregate = { count: 2, maxTrustLevel: 100, minTrustLevel: 50, lastTrustLevel: 100, averageTrustLevel: 75 };
    assert.equal(encodeAggregate(aggregate), 'AgBkADIAZABMHQ==');
    assert.throws(() => decodeAggregate('AQA='), { code: TieErrorCode.InvalidInput });
  });

  it('epoch dates, independent of the host time zone for ISO', () => {
    assert.equal(epochToIsoString(1475873692), '2016-10-07T20:54:52.000Z');
    assert.equal(epochToIsoString('1478626172'), '2016-11-08T17:29:32.000Z');
    assert.match(epochToLocalTimeString(1475873692), /^2016-10-0[78] \d\d:\d\d:52$/);
    assert.throws(() => epochToIsoString('soon'), { code: TieErrorCode.InvalidInput });
  });

  it('file Enterprise attributes of notepad.exe', () => {
    assert.deepEqual(decodeFileEnterpriseAttributes(NOTEPAD.reputations['3'].attributes), {
      serverVersion: '1.1.0.265',
      firstContact: '2015-12-30T19:14:35.000Z',
      prevalence: 17,
      enterpriseSize: 21,
      fileNameCount: 0,
    });
  });

  it('every file Enterprise attribute, including aggregates and flags', () => {
    const decoded = decodeFileEnterpriseAttributes({
      '2113685': '3',
      '2113942': '1480455704',
      '2112148': '1',
      '2112404': '99',
      '2112660': '50',
      '2112916': '15',
      '2113172': '85',
      '2113428': '70',
      '2123156': '1',
      '2138264': 'AgBkADIAZABMHQ==',
      '2138520': 'AQAAAAAAAAAAAA==',
      '2101652': 'not a number',
    });
    assert.deepEqual(decoded, {
      detectionCount: 3,
      lastDetectionTime: '2016-11-29T21:41:44.000Z',
      minLocalReputation: 1,
      maxLocalReputation: 99,
      averageLocalReputation: 50,
      parentMinLocalReputation: 15,
      parentMaxLocalReputation: 85,
      parentAverageLocalReputation: 70,
      isPrevalent: true,
      parentFileReputations: { count: 2, maxTrustLevel: 100, minTrustLevel: 50, lastTrustLevel: 100, averageTrustLevel: 75 },
      childFileReputations: { count: 1, maxTrustLevel: 0, minTrustLevel: 0, lastTrustLevel: 0, averageTrustLevel: 0 },
    });
  });

  it('an aggregate or server version TIE sent malformed is left out, not thrown', () => {
    // 'AQ==' holds one byte, not five 16-bit values; the version is decimal but beyond 64 bits.
    const decoded = decodeFileEnterpriseAttributes({ '2138264': 'AQ==', '2139285': '99999999999999999999999999', '2113685': '3' });
    assert.deepEqual(decoded, { detectionCount: 3 });
  });

  it('certificate Enterprise and GTI attributes, ATD scores', () => {
    assert.deepEqual(decodeCertEnterpriseAttributes({ ...SAMPLE_CERT.reputations['4'].attributes, '2122901': '0' }), {
      serverVersion: '1.4.0.190',
      firstContact: '2016-10-13T00:28:34.000Z',
      prevalence: 12,
      hasFileOverrides: false,
    });
    assert.deepEqual(decodeCertGtiAttributes(SAMPLE_CERT.reputations['2'].attributes), {
      firstContact: '2016-02-08T06:23:39.000Z',
      prevalence: 94,
      revoked: false,
    });
    assert.deepEqual(decodeAtdAttributes({ '4195730': '5', '4194962': '-1', '4197784': 'opaque' }), {
      gamScore: { atdTrustLevel: -1, name: 'Known Trusted', trustLevel: 99 },
      verdict: { atdTrustLevel: 5, name: 'Known Malicious', trustLevel: 1 },
      behaviors: 'opaque',
    });
  });
});

describe('TIE verdict precedence', () => {
  it('notepad.exe: GTI Known Trusted decides while the Enterprise level is NOT_SET', () => {
    const verdict = computeVerdict(NOTEPAD.reputations);
    assert.equal(verdict.trustLevel, 99);
    assert.equal(verdict.trustLevelName, 'Known Trusted');
    assert.equal(verdict.category, 'trusted');
    assert.equal(verdict.definitive, true);
    assert.equal(verdict.providerId, 1);
    assert.equal(verdict.providerName, 'Global Threat Intelligence (GTI)');
    assert.equal(verdict.basis, 'provider');
    assert.deepEqual(verdict.enterprise, {
      serverVersion: '1.1.0.265',
      firstContact: '2015-12-30T19:14:35.000Z',
      prevalence: 17,
      enterpriseSize: 21,
      fileNameCount: 0,
    });
    assert.deepEqual(verdict.gti, { originalResponse: '2139160704' });
  });

  it('an Enterprise override beats every other provider', () => {
    const verdict = computeVerdict(reps(rep(1, 99), rep(3, 1), rep(5, 99), rep(15, 99)));
    assert.deepEqual([verdict.trustLevel, verdict.providerId, verdict.basis, verdict.category], [1, 3, 'enterprise-override', 'malicious']);
  });

  it('ATD, then MWG, then GTI when the Enterprise level is not definitive', () => {
    assert.equal(computeVerdict(reps(rep(1, 99), rep(3, 50), rep(5, 15), rep(7, 85))).providerId, 5);
    assert.equal(computeVerdict(reps(rep(1, 99), rep(3, 0), rep(7, 30))).providerId, 7);
    assert.equal(computeVerdict(reps(rep(1, 30), rep(3, 0))).trustLevel, 30);
  });

  it('External is only the fallback when no other provider is definitive', () => {
    const fallback = computeVerdict(reps(rep(1, 50), rep(3, 0), rep(15, 70)));
    assert.deepEqual([fallback.trustLevel, fallback.providerId, fallback.basis], [70, 15, 'external-fallback']);
    const ignored = computeVerdict(reps(rep(1, 1), rep(3, 0), rep(15, 99)));
    assert.deepEqual([ignored.trustLevel, ignored.providerId], [1, 1]);
  });

  it('UNKNOWN when nothing is definitive but a provider said UNKNOWN; NOT_SET otherwise', () => {
    const unknown = computeVerdict(reps(rep(1, 50), rep(3, 0)));
    assert.deepEqual(
      [unknown.trustLevel, unknown.providerId, unknown.basis, unknown.definitive, unknown.category],
      [50, 1, 'unknown', false, 'unknown'],
    );
    const none = computeVerdict(reps(rep(1, 0), rep(3, 0)));
    assert.deepEqual([none.trustLevel, none.providerId, none.providerName, none.basis, none.category], [0, null, null, 'none', 'not-set']);
    assert.equal(computeVerdict({}).basis, 'none');
  });

  it('certificates: Enterprise (4) over GTI (2), with decoded attributes', () => {
    const verdict = computeVerdict(SAMPLE_CERT.reputations);
    assert.deepEqual([verdict.trustLevel, verdict.providerId, verdict.basis], [99, 2, 'provider']);
    assert.equal(verdict.enterprise?.serverVersion, '1.4.0.190');
    const overridden = computeVerdict({ ...SAMPLE_CERT.reputations, '4': { ...SAMPLE_CERT.reputations['4'], trustLevel: 15 } });
    assert.deepEqual([overridden.trustLevel, overridden.providerId, overridden.basis], [15, 4, 'enterprise-override']);
  });

  it('hasDefinitiveReputation: the check of the set-external sample (notepad aborts, UNKNOWN_FILE proceeds)', () => {
    assert.equal(hasDefinitiveReputation(NOTEPAD.reputations), true);
    assert.equal(hasDefinitiveReputation(reps(rep(1, 50), rep(3, 0))), false);
    assert.equal(hasDefinitiveReputation(reps(rep(1, 50), rep(3, 0), rep(15, 99))), false);
    assert.equal(hasDefinitiveReputation({}), false);
  });
});
