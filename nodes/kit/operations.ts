/**
 * The four request operations of the flow nodes, each in two steps: `prepare` validates one item's
 * settings with the node's settings as fallback (synchronously, so a batch is refused before
 * anything is sent; the item's hashes were validated when it was read), `run` talks to TIE.
 * Results: `payload` is what the official clients return for the call, `extras` the decoded
 * information set beside it on the msg. The two writes go one guarded road (`guardedWrite`).
 */
import { LOOKED_UP, lookedUpHashes } from './lookup-answer';
import { epochToIsoStringIfValid } from '../../src/tie/attributes';
import type { Verdict } from '../../src/tie/verdict';
import { decideExternalReputation } from '../../src/tie/external-decision';
import { isLoweringTrustLevel, protectorsOf } from '../../src/tie/safety-net';
import { FileProvider, fileTypeName, providerName, trustLevelName } from '../../src/tie/constants';
import type { PlannedWrite, ReadBack, TieClient, WhenLimited } from '../../src/tie/client';
import type { FirstReference, HashDict, Reputations } from '../../src/tie/types';
import { fileTypeFromUser, queryLimitFromUser, textFromUser, trustLevelFromUser } from '../../src/tie/arguments';
import { isBlank } from '../../src/dxl/numbers';
import { invalidInput } from '../../src/tie/errors';
import type { InputItem, ItemSettingName, ItemSettings, Subject, Target } from './items';
import { protectedError } from './errors';
import { type UserText, userText } from './text';
import { wroteNote } from './status';

export interface OperationResult {
  payload: unknown;
  /** msg property → value, set beside msg.payload. */
  extras: Record<string, unknown>;
  /** A word for the node status after this item, when "connected" would hide something (e.g. "skipped"). */
  note?: UserText;
  /** What a write wrote, for the write node's status (it stays there until the next write). */
  wrote?: UserText;
  /** Advice worth one warning per node, e.g. an External reputation sent without a file name. */
  warning?: UserText;
  /** A write (or a dry run of one): the node logs its audit line. */
  audit?: WriteAudit;
}

export interface RequestOperation<Prepared> {
  /** Per-item settings accepted for items of this subject. */
  settingsFor(subject: Subject): readonly ItemSettingName[];
  /** The msg properties `extras` holds (a batch sets each as an array). */
  readonly extraKeys: readonly string[];
  /** Validates one item's settings; throws TieError TIE_INVALID_INPUT naming the setting (withInputContext adds the item). */
  prepare(item: InputItem, defaults: ItemSettings): Prepared;
  run(tie: TieClient, prepared: Prepared, context?: RunContext): Promise<OperationResult>;
}

/** What a message tells every item's run. */
export interface RunContext {
  /** msg.force === true: a write goes past the safety net. */
  force: boolean;
}

const NO_CONTEXT: RunContext = Object.freeze({ force: false });

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
  extraKeys: ['verdict', LOOKED_UP],
  prepare: (item) => item.target,
  async run(tie, target) {
    const { reputations, verdict } = await tie.getReputationWithVerdict(target);
    // What was looked up stays on the msg beside the answer (lookup-answer.ts), for a set node after it.
    return { payload: reputations, extras: { verdict, [LOOKED_UP]: lookedUpHashes(target) } };
  },
};

// ---- writes: set (Enterprise) reputation, set External reputation ----

/** How a set node guards its writes (its settings, read once at deploy). */
export interface WriteGuard {
  /** The node's own dry run; a tie-config's comes with its TIE client (`tie.dryRun`). */
  dryRun: boolean;
  /** Refuse to lower a file that GTI or the Enterprise reputation calls Known Trusted, unless msg.force. */
  protectTrusted: boolean;
  /** Over the tie-config's write limit: wait in its queue, or fail at once. */
  whenLimited: WhenLimited;
  /** Read the reputation back after a write for at most this long (ms); undefined: no read-back. */
  verifyTimeoutMs: number | undefined;
}

/** A set node as deployed before these settings existed: no dry run, no safety net, no read-back. */
export const UNGUARDED: WriteGuard = Object.freeze({
  dryRun: false,
  protectTrusted: false,
  whenLimited: 'wait',
  verifyTimeoutMs: undefined,
});

/** What the audit line of a write says: what was (or, in a dry run, would have been) written. */
export interface WriteAudit {
  subject: Subject;
  /** The strongest hash of the target, "sha256 <hex>". */
  hash: string;
  providerId: number;
  /** The provider's trust level before, when a lookup made it known. */
  before: number | undefined;
  after: number;
  dryRun: boolean;
  /** msg.force let it past the safety net. */
  forced: boolean;
}

/** The reputations a write is judged by: one lookup for the External check-first and the safety net alike. */
function currentReputations(tie: TieClient, target: Target): Promise<Reputations> {
  return tie.getReputationWithVerdict(target).then((found) => found.reputations);
}

function strongestHash(target: Target): string {
  if (target.subject === 'certificate') return `sha1 ${target.sha1}`;
  const { sha256, sha1, md5 } = target.hashes;
  if (sha256 !== undefined) return `sha256 ${sha256}`;
  return sha1 !== undefined ? `sha1 ${sha1}` : `md5 ${md5 ?? ''}`;
}

function readBackDetail(result: ReadBack, plan: PlannedWrite): string {
  if (result.verified) return `${providerName(plan.providerId)} shows ${trustLevelName(plan.trustLevel)} (${plan.trustLevel})`;
  const seconds = (result.elapsedMs / 1000).toFixed(1);
  if (result.reason === 'lookup-failed') return `every lookup failed for ${seconds} s, the last with ${result.errorCode ?? 'an error'}`;
  const seen = result.seen === null ? 'no reputation' : `${trustLevelName(result.seen)} (${result.seen})`;
  return `${providerName(plan.providerId)} still shows ${seen} after ${seconds} s, not ${trustLevelName(plan.trustLevel)} (${plan.trustLevel})`;
}

/**
 * The guarded road of one write: the safety net (on the reputations looked up, or a lookup of its
 * own), the dry run (nothing sent; the msg shows what would have been), the write within the
 * tie-config's limit, the read-back, and the audit line's facts.
 */
async function guardedWrite(
  tie: TieClient,
  plan: PlannedWrite,
  guard: WriteGuard,
  context: RunContext,
  outcome: Record<string, unknown>,
  known: Reputations | undefined,
): Promise<OperationResult> {
  const target = plan.target;
  let reputations = known;
  let forced = false;
  if (guard.protectTrusted && isLoweringTrustLevel(plan.trustLevel)) {
    reputations ??= await currentReputations(tie, target);
    const protectors = protectorsOf(reputations, target.subject, plan.trustLevel);
    if (protectors.length > 0) {
      if (!context.force) throw protectedError(target.subject, trustLevelName(plan.trustLevel), protectors);
      forced = true;
      outcome.forced = true;
      outcome.protectedBy = protectors;
    }
  }
  const before = (reputations?.[plan.providerId] as { trustLevel?: unknown } | undefined)?.trustLevel;
  const dryRun = guard.dryRun || tie.dryRun;
  const audit: WriteAudit = {
    subject: target.subject,
    hash: strongestHash(target),
    providerId: plan.providerId,
    before: typeof before === 'number' ? before : undefined,
    after: plan.trustLevel,
    dryRun,
    forced,
  };
  if (dryRun) {
    outcome.action = 'dry-run';
    outcome.dryRun = true;
    outcome.wouldSend = { kind: plan.kind, topic: plan.topic, payload: plan.payload };
    return { payload: DRY_RUN_PAYLOAD, extras: { outcome }, note: userText('tie.status.dryRun'), audit };
  }
  await tie.write(plan, { whenLimited: guard.whenLimited });
  const result: OperationResult = { payload: undefined, extras: { outcome }, audit, wrote: wroteNote(plan.trustLevel) };
  if (guard.verifyTimeoutMs !== undefined) {
    const readBack = await tie.readBack(plan, { timeoutMs: guard.verifyTimeoutMs });
    outcome.verified = readBack.verified;
    outcome.readBack = { ...readBack, detail: readBackDetail(readBack, plan) };
    result.note = userText(readBack.verified ? 'tie.status.verified' : 'tie.status.notVerified');
  }
  return result;
}

/** msg.payload of a dry run. */
export const DRY_RUN_PAYLOAD = 'Dry run';

interface PreparedSet {
  target: Target;
  trustLevel: number;
  filename: string;
  comment: string;
}

export function setReputationOperation(guard: WriteGuard = UNGUARDED): RequestOperation<PreparedSet> {
  return {
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
    async run(tie, { target, trustLevel, filename, comment }, context = NO_CONTEXT) {
      const plan = tie.planSetReputation(target, trustLevel, filename, comment);
      const outcome: Record<string, unknown> = {
        action: 'set',
        subject: target.subject,
        ...identity(target),
        providerId: plan.providerId,
        providerName: providerName(plan.providerId),
        trustLevel,
        trustLevelName: trustLevelName(trustLevel),
      };
      if (filename) outcome.filename = filename;
      if (comment) outcome.comment = comment;
      const result = await guardedWrite(tie, plan, guard, context, outcome, undefined);
      result.payload ??= 'Succeeded';
      return result;
    },
  };
}

interface PreparedExternal {
  hashes: HashDict;
  trustLevel: number;
  fileType: number;
  filename: string;
  comment: string;
}

export function externalReputationOperation(options: { checkFirst: boolean; guard?: WriteGuard }): RequestOperation<PreparedExternal> {
  const guard = options.guard ?? UNGUARDED;
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
    async run(tie, prepared, context = NO_CONTEXT) {
      const { hashes, trustLevel, fileType, filename, comment } = prepared;
      const plan = tie.planExternalFileReputation(trustLevel, hashes, fileType, filename, comment);
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
      let reputations: Reputations | undefined;
      if (options.checkFirst) {
        reputations = await currentReputations(tie, plan.target);
        const decision = decideExternalReputation(reputations);
        existing = decision.existing;
        if (!decision.send) {
          return {
            payload: 'Skipped',
            extras: { outcome: { action: 'skipped', reason: decision.reason, ...base, existing } },
            note: userText('tie.status.skipped', { provider: providerName(decision.providerId) }),
          };
        }
      }
      const outcome: Record<string, unknown> = { action: 'sent', ...base, checked: options.checkFirst };
      if (existing !== undefined) outcome.existing = existing;
      const result = await guardedWrite(tie, plan, guard, context, outcome, reputations);
      result.payload ??= 'Sent';
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
