/**
 * The four request operations of the flow nodes, each in two steps: `prepare` validates one item
 * with the node's settings as fallback (synchronously, so a batch is refused before anything is
 * sent), `run` talks to TIE. Results: `payload` is what the official clients return for the call,
 * `extras` the decoded information set beside it on the msg.
 */
import { epochToIsoStringIfValid } from '../tie/attributes';
import { CertProvider, FileProvider, fileTypeName, providerName, trustLevelName } from '../tie/constants';
import type { TieClient } from '../tie/client';
import { DEFAULT_FIRST_REFERENCES_LIMIT } from '../tie/topics';
import type { FirstReference, HashDict } from '../tie/types';
import type { Verdict } from '../tie/verdict';
import { TieNodeError, invalidInputError } from './errors';
import { decideExternalReputation } from './external-decision';
import type { InputItem, ItemSettingName, ItemSettings, Subject, Target } from './items';
import { type UserText, userText } from './text';
import { parseFileType, parseQueryLimit, parseText, parseTrustLevel } from './values';

export interface OperationResult {
  payload: unknown;
  /** msg property → value, set beside msg.payload. */
  extras: Record<string, unknown>;
  /** A word for the node status after this item, when "connected" would hide something (e.g. "skipped"). */
  note?: UserText;
  /** Advice worth one warning per node, e.g. an External reputation sent without a file name. */
  warning?: UserText;
}

export interface RequestOperation<Prepared> {
  /** Per-item settings accepted for items of this subject. */
  settingsFor(subject: Subject): readonly ItemSettingName[];
  /** The msg properties `extras` holds (a batch sets each as an array). */
  readonly extraKeys: readonly string[];
  /** Validates one item; throws TIE_INVALID_INPUT. `label` names the item in messages. */
  prepare(item: InputItem, defaults: ItemSettings, label: string, index?: number): Prepared;
  run(tie: TieClient, prepared: Prepared): Promise<OperationResult>;
}

/** The item's own setting when present, else the node's. */
function setting(item: InputItem, defaults: ItemSettings, name: ItemSettingName): unknown {
  const own = item.settings[name];
  return own === undefined || own === null || own === '' ? defaults[name] : own;
}

/** Rethrows a validation error with the batch index attached. */
function atIndex<T>(index: number | undefined, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (index !== undefined && error instanceof TieNodeError && error.index === undefined) {
      throw new TieNodeError(error.code, error.message, { ...error.toJSON(), index });
    }
    throw error;
  }
}

/** The identity of the target as the outcome reports it. */
function identity(target: Target): { hashes: HashDict } | { sha1: string; publicKeySha1?: string } {
  if (target.subject === 'file') return { hashes: target.hashes };
  return target.publicKeySha1 === undefined ? { sha1: target.sha1 } : { sha1: target.sha1, publicKeySha1: target.publicKeySha1 };
}

// ---- get reputation ----

export const getReputationOperation: RequestOperation<Target> = {
  settingsFor: () => [],
  extraKeys: ['verdict'],
  prepare: (item) => item.target,
  async run(tie, target) {
    const { reputations, verdict } =
      target.subject === 'file'
        ? await tie.getFileReputationWithVerdict(target.hashes)
        : await tie.getCertificateReputationWithVerdict(target.sha1, target.publicKeySha1);
    return { payload: reputations, extras: { verdict } };
  },
};

// ---- set (Enterprise) reputation ----

interface PreparedSet {
  target: Target;
  trustLevel: number;
  filename: string;
  comment: string;
}

export const setReputationOperation: RequestOperation<PreparedSet> = {
  settingsFor: (subject) => (subject === 'file' ? ['trustLevel', 'filename', 'comment'] : ['trustLevel', 'comment']),
  extraKeys: ['outcome'],
  prepare(item, defaults, label, index) {
    return atIndex(index, () => ({
      target: item.target,
      trustLevel: parseTrustLevel(setting(item, defaults, 'trustLevel'), `${label}: trustLevel`),
      filename: item.target.subject === 'file' ? parseText(setting(item, defaults, 'filename'), `${label}: filename`) : '',
      comment: parseText(setting(item, defaults, 'comment'), `${label}: comment`),
    }));
  },
  async run(tie, { target, trustLevel, filename, comment }) {
    const providerId = target.subject === 'file' ? FileProvider.ENTERPRISE : CertProvider.ENTERPRISE;
    if (target.subject === 'file') await tie.setFileReputation(trustLevel, target.hashes, filename, comment);
    else await tie.setCertificateReputation(trustLevel, target.sha1, target.publicKeySha1, comment);
    const outcome: Record<string, unknown> = {
      action: 'set',
      subject: target.subject,
      ...identity(target),
      providerId,
      providerName: providerName(providerId),
      trustLevel,
      trustLevelName: trustLevelName(trustLevel),
    };
    if (filename) outcome.filename = filename;
    if (comment) outcome.comment = comment;
    return { payload: 'Succeeded', extras: { outcome } };
  },
};

// ---- set External reputation ----

interface PreparedExternal {
  hashes: HashDict;
  trustLevel: number;
  fileType: number;
  filename: string;
  comment: string;
}

export function externalReputationOperation(options: { checkFirst: boolean }): RequestOperation<PreparedExternal> {
  return {
    settingsFor: () => ['trustLevel', 'fileType', 'filename', 'comment'],
    extraKeys: ['outcome'],
    prepare(item, defaults, label, index) {
      if (item.target.subject !== 'file') throw invalidInputError(`${label}: External reputations are for files only`, index);
      const hashes = item.target.hashes;
      return atIndex(index, () => {
        const trustLevel = parseTrustLevel(setting(item, defaults, 'trustLevel'), `${label}: trustLevel`);
        // As the Python client: 0 (Not Set) is "not specified" for an External reputation.
        if (trustLevel === 0) throw invalidInputError(`${label}: trustLevel was not specified (0, Not Set, cannot be sent)`);
        return {
          hashes,
          trustLevel,
          fileType: parseFileType(setting(item, defaults, 'fileType'), `${label}: fileType`),
          filename: parseText(setting(item, defaults, 'filename'), `${label}: filename`),
          comment: parseText(setting(item, defaults, 'comment'), `${label}: comment`),
        };
      });
    },
    async run(tie, prepared) {
      const { hashes, trustLevel, fileType, filename, comment } = prepared;
      const base: Record<string, unknown> = {
        subject: 'file',
        hashes,
        providerId: FileProvider.EXTERNAL,
        providerName: providerName(FileProvider.EXTERNAL),
        trustLevel,
        trustLevelName: trustLevelName(trustLevel),
        fileType,
        fileTypeName: fileTypeName(fileType),
      };
      if (filename) base.filename = filename;
      if (comment) base.comment = comment;
      let existing: Verdict | undefined;
      if (options.checkFirst) {
        const decision = decideExternalReputation(await tie.getFileReputation(hashes));
        existing = decision.existing;
        if (!decision.send) {
          return {
            payload: 'Skipped',
            extras: { outcome: { action: 'skipped', reason: decision.reason, ...base, existing } },
            note: userText('tie.status.skipped', { provider: providerName(decision.providerId) }),
          };
        }
      }
      await tie.setExternalFileReputation(trustLevel, hashes, fileType, filename, comment);
      const outcome: Record<string, unknown> = { action: 'sent', ...base, checked: options.checkFirst };
      if (existing !== undefined) outcome.existing = existing;
      const result: OperationResult = { payload: 'Sent', extras: { outcome } };
      // TIE servers may ignore External reports without a file name: opendxl-tie-client-python#16.
      if (!filename) result.warning = userText('tie.warning.externalWithoutFilename');
      return result;
    },
  };
}

// ---- first references ----

interface PreparedFirstReferences {
  target: Target;
  queryLimit: number;
}

/** The ISO date of the earliest reference; entries without a usable date are passed over. */
function earliest(references: readonly FirstReference[]): string | null {
  let min: number | undefined;
  for (const reference of references as readonly unknown[]) {
    const date = reference !== null && typeof reference === 'object' ? (reference as { date?: unknown }).date : undefined;
    if (epochToIsoStringIfValid(date) !== undefined && (min === undefined || (date as number) < min)) min = date as number;
  }
  return epochToIsoStringIfValid(min) ?? null;
}

export const firstReferencesOperation: RequestOperation<PreparedFirstReferences> = {
  settingsFor: () => ['queryLimit'],
  extraKeys: ['count', 'firstSeen'],
  prepare(item, defaults, label, index) {
    return atIndex(index, () => ({
      target: item.target,
      queryLimit: parseQueryLimit(setting(item, defaults, 'queryLimit'), `${label}: queryLimit`, DEFAULT_FIRST_REFERENCES_LIMIT),
    }));
  },
  async run(tie, { target, queryLimit }) {
    const references =
      target.subject === 'file'
        ? await tie.getFileFirstReferences(target.hashes, queryLimit)
        : await tie.getCertificateFirstReferences(target.sha1, target.publicKeySha1, queryLimit);
    return { payload: references, extras: { count: references.length, firstSeen: earliest(references) } };
  },
};
