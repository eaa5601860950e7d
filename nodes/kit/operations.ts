/**
 * The four request operations of the flow nodes, each in two steps: `prepare` validates one item's
 * settings with the node's settings as fallback (synchronously, so a batch is refused before
 * anything is sent; the item's hashes were validated when it was read), `run` talks to TIE.
 * Results: `payload` is what the official clients return for the call, `extras` the decoded
 * information set beside it on the msg.
 */
import { epochToIsoStringIfValid } from '../../src/tie/attributes';
import type { Verdict } from '../../src/tie/verdict';
import { decideExternalReputation } from '../../src/tie/external-decision';
import { CertProvider, FileProvider, fileTypeName, providerName, trustLevelName } from '../../src/tie/constants';
import type { TieClient } from '../../src/tie/client';
import type { FirstReference, HashDict } from '../../src/tie/types';
import { fileTypeFromUser, queryLimitFromUser, textFromUser, trustLevelFromUser } from '../../src/tie/arguments';
import { isBlank } from '../../src/dxl/numbers';
import { invalidInput } from '../../src/tie/errors';
import type { InputItem, ItemSettingName, ItemSettings, Subject, Target } from './items';
import { type UserText, userText } from './text';

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
  /** Validates one item's settings; throws TieError TIE_INVALID_INPUT naming the setting (withInputContext adds the item). */
  prepare(item: InputItem, defaults: ItemSettings): Prepared;
  run(tie: TieClient, prepared: Prepared): Promise<OperationResult>;
}

/** The item's own setting when present, else the node's. */
function setting(item: InputItem, defaults: ItemSettings, name: ItemSettingName): unknown {
  const own = item.settings[name];
  return isBlank(own) ? defaults[name] : own;
}

/** The identity of the target as the outcome reports it. */
function identity(target: Target): { hashes: HashDict } | { sha1: string; publicKeySha1?: string } {
  // A copy: the msg is the flow's to change, the target stays as it was read.
  if (target.subject === 'file') return { hashes: { ...target.hashes } };
  return target.publicKeySha1 === undefined ? { sha1: target.sha1 } : { sha1: target.sha1, publicKeySha1: target.publicKeySha1 };
}

// ---- get reputation ----

export const getReputationOperation: RequestOperation<Target> = {
  settingsFor: () => [],
  extraKeys: ['verdict'],
  prepare: (item) => item.target,
  async run(tie, target) {
    const { reputations, verdict } = await tie.getReputationWithVerdict(target);
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
  prepare(item, defaults) {
    return {
      target: item.target,
      trustLevel: trustLevelFromUser(setting(item, defaults, 'trustLevel')),
      filename: item.target.subject === 'file' ? textFromUser(setting(item, defaults, 'filename'), 'filename') : '',
      comment: textFromUser(setting(item, defaults, 'comment'), 'comment'),
    };
  },
  async run(tie, { target, trustLevel, filename, comment }) {
    const providerId = target.subject === 'file' ? FileProvider.ENTERPRISE : CertProvider.ENTERPRISE;
    await tie.setReputation(target, trustLevel, filename, comment);
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
    prepare(item, defaults) {
      if (item.target.subject !== 'file') throw invalidInput('External reputations are for files only');
      const trustLevel = trustLevelFromUser(setting(item, defaults, 'trustLevel'));
      // As the Python client: 0 (Not Set) is "not specified" for an External reputation.
      if (trustLevel === 0) throw invalidInput('trustLevel was not specified (0, Not Set, cannot be sent)');
      return {
        hashes: item.target.hashes,
        trustLevel,
        fileType: fileTypeFromUser(setting(item, defaults, 'fileType')),
        filename: textFromUser(setting(item, defaults, 'filename'), 'filename'),
        comment: textFromUser(setting(item, defaults, 'comment'), 'comment'),
      };
    },
    async run(tie, prepared) {
      const { hashes, trustLevel, fileType, filename, comment } = prepared;
      const base: Record<string, unknown> = {
        subject: 'file',
        hashes: { ...hashes },
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
  prepare(item, defaults) {
    return { target: item.target, queryLimit: queryLimitFromUser(setting(item, defaults, 'queryLimit')) };
  },
  async run(tie, { target, queryLimit }) {
    const references = await tie.getFirstReferences(target, queryLimit);
    return { payload: references, extras: { count: references.length, firstSeen: earliest(references) } };
  },
};
