/**
 * The properties several nodes share, declared once (nodes/kit/properties.ts): the connection and
 * the name, a request node's subject, input and batch, a set node's write guard, a DXL node's topic
 * and format. A node's own declaration (nodes/<type>/properties.ts) takes them by name.
 */
import type { Subject } from './items';
import {
  type ConnectionProperty,
  type FlagProperty,
  type NumberProperty,
  type TextProperty,
  type TypedProperty,
  choice,
  typedFrom,
} from './properties';
import { SETTINGS } from './settings';

export const CONNECTION: ConnectionProperty = { kind: 'connection', label: 'tie.label.connection', icon: 'fa-plug' };

/** The node's name: its label when given (the form puts its row last). */
export const NAME: TextProperty = { kind: 'text', label: 'tie.label.name', icon: 'fa-tag', placeholder: 'tie.label.name' };

export const SUBJECT = choice<Subject>(['file', 'certificate'], 'file', {
  label: 'tie.label.subject',
  icon: 'fa-file-o',
  options: 'tie.subject',
});

/** Where a request node reads its hashes: msg.payload unless the node says otherwise. */
export const INPUT = typedFrom('hashes', { value: 'payload', type: 'msg' }, { label: 'tie.label.input', icon: 'fa-sign-in' });

export const CONCURRENCY: NumberProperty = {
  kind: 'number',
  setting: SETTINGS.concurrency,
  label: 'tie.label.batch',
  icon: 'fa-list-ol',
  unit: 'tie.label.inFlight',
};

const BATCH_ERROR_MODES = ['fail', 'report'] as const;
/** What a batch does when items fail: stop and fail the message, or finish and report each failure. */
export type BatchErrorMode = (typeof BATCH_ERROR_MODES)[number];

export const BATCH_ERRORS = choice<BatchErrorMode>(BATCH_ERROR_MODES, 'fail', {
  label: 'tie.label.batchErrors',
  icon: 'fa-exclamation-triangle',
  options: 'tie.batchErrors',
});

/**
 * A TypedInput setting an item of a batch may carry too (its name one of ITEM_SETTINGS, the names
 * the item reader knows), read per message from msg.<name> by default.
 */
export function itemSetting(label: string, icon: string, types: TypedProperty['types'], rowClass?: string): TypedProperty {
  return { kind: 'typed', types, item: true, label, icon, ...(rowClass === undefined ? {} : { rowClass }) };
}

// ---- a set node's write guard: absent properties keep what a node deployed before them did (no guard)

const DRY_RUN: FlagProperty = { kind: 'flag', initial: false, label: 'tie.label.dryRun' };
/** On for a node dragged from the palette; a node deployed before the setting has none: off. */
const PROTECT_TRUSTED: FlagProperty = { kind: 'flag', initial: true, absent: false, label: 'tie.label.protectTrusted' };

const WHEN_LIMITED_MODES = ['wait', 'fail'] as const;
/** What a write over the connection's write limit does: wait for its turn, or fail at once. */
export type WhenLimited = (typeof WHEN_LIMITED_MODES)[number];
const WHEN_LIMITED = choice<WhenLimited>(WHEN_LIMITED_MODES, 'wait', {
  label: 'tie.label.whenLimited',
  icon: 'fa-tachometer',
  options: 'tie.whenLimited',
});
const VERIFY: FlagProperty = { kind: 'flag', initial: false, label: 'tie.label.verify' };
export const VERIFY_TIMEOUT: NumberProperty = {
  kind: 'number',
  setting: SETTINGS.verifyTimeout,
  when: (node) => node.verify === true,
  label: 'tie.label.verifyTimeout',
  icon: 'fa-clock-o',
  unit: 'tie.unit.seconds',
  fractions: true,
  rowClass: 'tie-set-verify-row',
};

export const WRITE_GUARD = {
  dryRun: DRY_RUN,
  protectTrusted: PROTECT_TRUSTED,
  whenLimited: WHEN_LIMITED,
  verify: VERIFY,
  verifyTimeout: VERIFY_TIMEOUT,
} as const;

// ---- the DXL nodes

/** A DXL node's topic: empty takes msg.topic (its rule is the library's, checked by the node's editor and at send). */
export const TOPIC_OR_MSG: TextProperty = {
  kind: 'text',
  label: 'tie.label.topic',
  icon: 'fa-tasks',
  placeholder: 'tie.placeholder.topicOrMsg',
};

export const PAYLOAD_FORMATS = ['text', 'json', 'buffer'] as const;
/** How a DXL node puts a payload in msg.payload. */
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];

export const FORMAT = choice<PayloadFormat>(PAYLOAD_FORMATS, 'text', {
  label: 'tie.label.format',
  icon: 'fa-sign-out',
  options: 'tie.format',
});

// ---- the event nodes

export const REPUTATION_CHANGE_FILTERS = ['all', 'effective-changed', 'now-malicious', 'now-trusted'] as const;
/**
 * Which reputation changes a node passes on: every one; only when the effective trust level (the
 * verdict) differs before and after; only when the verdict became malicious (1-30), or trusted
 * (70-100), from something that was not.
 */
export type ReputationChangeFilter = (typeof REPUTATION_CHANGE_FILTERS)[number];
