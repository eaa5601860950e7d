/**
 * What the TIE simulator answers for files and certificates it has never seen, the way a real
 * TIE does: GTI has no verdict (UNKNOWN or NOT_SET, raw answer "0"), the Enterprise reputation is
 * NOT_SET with a prevalence of 0 and a first contact of now. Answers are deterministic per hash
 * and seed, and stable while remembered (a bounded number of them).
 */
import { createHash } from 'node:crypto';
import { CertProvider, FileProvider, TrustLevel } from '../tie/constants';
import { SERVER_VERSION_1_4 } from './tie-simulator-seed';
import type { HexHashes, ItemKind, StoredReputation } from './tie-simulator-store';

const REMEMBERED = 10_000;

export interface Synthesized {
  reputations: StoredReputation[];
  json: string;
}

export class ReputationSynthesizer {
  private readonly remembered = new Map<string, Synthesized>();

  constructor(
    private readonly seed: number,
    private readonly enterpriseSize: number,
    private readonly clock: () => number,
  ) {}

  reputationsFor(kind: ItemKind, hashes: HexHashes): Synthesized {
    const key = `${kind}|${hashes.md5 ?? ''}|${hashes.sha1 ?? ''}|${hashes.sha256 ?? ''}`;
    let answer = this.remembered.get(key);
    if (answer === undefined) {
      const reputations = kind === 'file' ? this.file(key) : this.certificate(key);
      answer = { reputations, json: JSON.stringify(reputations) };
      this.remembered.set(key, answer);
      if (this.remembered.size > REMEMBERED) this.remembered.delete(this.remembered.keys().next().value as string);
    }
    return answer;
  }

  /** Attributes of a new Enterprise reputation of a file or certificate. */
  enterpriseAttributes(kind: ItemKind): Record<string, string> {
    const now = String(this.clock());
    return kind === 'file'
      ? { '2101652': '0', '2102165': now, '2111893': String(this.enterpriseSize), '2114965': '1', '2139285': SERVER_VERSION_1_4 }
      : { '2109333': '0', '2109589': now, '2139285': SERVER_VERSION_1_4 };
  }

  private gtiTrustLevel(key: string): number {
    // One unseen file in five is NOT_SET (GTI not asked yet); the others UNKNOWN.
    const digest = createHash('sha1').update(`${this.seed}|${key}`).digest();
    return digest[0] % 5 === 0 ? TrustLevel.NOT_SET : TrustLevel.UNKNOWN;
  }

  private file(key: string): StoredReputation[] {
    const now = this.clock();
    return [
      { providerId: FileProvider.GTI, trustLevel: this.gtiTrustLevel(key), createDate: now, attributes: { '2120340': '0' } },
      {
        providerId: FileProvider.ENTERPRISE,
        trustLevel: TrustLevel.NOT_SET,
        createDate: now,
        attributes: this.enterpriseAttributes('file'),
      },
    ];
  }

  private certificate(key: string): StoredReputation[] {
    const now = this.clock();
    return [
      {
        providerId: CertProvider.GTI,
        trustLevel: this.gtiTrustLevel(key),
        createDate: now,
        attributes: { '2108821': '0', '2109077': String(now), '2117524': '0', '2120596': '0' },
      },
      {
        providerId: CertProvider.ENTERPRISE,
        trustLevel: TrustLevel.NOT_SET,
        createDate: now,
        attributes: this.enterpriseAttributes('certificate'),
      },
    ];
  }
}

/** A small seeded PRNG (mulberry32): the periodic events are reproducible for a given seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
