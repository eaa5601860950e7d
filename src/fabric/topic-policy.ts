/*
 * A topic authorization policy in the OpenDXL broker's own format (its `topicauth.policy`,
 * https://github.com/opendxl/opendxl-broker, dxlbroker/policy/): JSON, with // and block comments
 * allowed, holding a "send" and a "receive" list of {"topic", "clients"}, where clients are SHA-1
 * thumbprints of client or CA certificates. Topics not listed are open.
 *
 * Errors name the place in the policy (send[2].clients[0]) and what is wrong, never the text there.
 */
import { topicProblem } from '../dxl/topic-rule';

export interface TopicPolicyRule {
  /** A DXL topic; one ending in `#` covers every topic below it. */
  topic: string;
  /** SHA-1 thumbprints (40 lowercase hex digits) of the certificates allowed: a client's own or one of its CAs'. */
  clients: string[];
}

export interface TopicPolicy {
  /** Who may publish on a topic. */
  send: TopicPolicyRule[];
  /** Who may be delivered a message on a topic (and so serve requests on it). */
  receive: TopicPolicyRule[];
}

export const TopicPolicyErrorCode = {
  /** The policy file could not be read (missing, not a regular file, too large, permissions). */
  Unreadable: 'FABRIC_POLICY_UNREADABLE',
  /** The policy is not JSON, or not in the broker's format. */
  Invalid: 'FABRIC_POLICY_INVALID',
} as const;

export type TopicPolicyErrorCodeValue = (typeof TopicPolicyErrorCode)[keyof typeof TopicPolicyErrorCode];

export class TopicPolicyError extends Error {
  constructor(
    readonly code: TopicPolicyErrorCodeValue,
    /** What is wrong, without the code. */
    readonly reason: string,
  ) {
    super(`${code}: ${reason}`);
    this.name = 'TopicPolicyError';
  }
}

/** The OpenDXL broker's shipped policy: nothing restricted. */
export function openTopicPolicy(): TopicPolicy {
  return { send: [], receive: [] };
}

const SECTIONS = ['send', 'receive'] as const;
const THUMBPRINT = /^[0-9a-f]{40}$/;

function invalid(message: string): TopicPolicyError {
  return new TopicPolicyError(TopicPolicyErrorCode.Invalid, message);
}

/** The JSON text without its comments (the broker's JSON reader takes // and block comments). */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      i++;
      out += text.slice(start, i);
    } else if (char === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw invalid('a block comment is not closed');
      // Keep the comment's line breaks, so that JSON.parse's positions stay right.
      out += text.slice(i, end + 2).replace(/[^\n]/g, ' ');
      i = end + 2;
    } else {
      out += char;
      i++;
    }
  }
  return out;
}

/**
 * A thumbprint as the broker compares it: 40 lowercase hex digits. Upper case and colons (as
 * `openssl x509 -fingerprint -sha1` prints it) are accepted and normalised.
 */
function readThumbprint(value: unknown, where: string): string {
  const normalised = typeof value === 'string' ? value.replace(/:/g, '').toLowerCase() : '';
  if (!THUMBPRINT.test(normalised)) throw invalid(`${where} is not a SHA-1 thumbprint (40 hex digits, colons allowed)`);
  return normalised;
}

function readRule(value: unknown, where: string): TopicPolicyRule {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(`${where} is not an object with topic and clients`);
  const { topic, clients } = value as Record<string, unknown>;
  if (typeof topic !== 'string') throw invalid(`${where}.topic is not a string`);
  const problem = topicProblem(topic, 'subscribe');
  if (problem !== undefined) throw invalid(`${where}.topic is not a DXL topic (${problem})`);
  if (!Array.isArray(clients)) throw invalid(`${where}.clients is not a list of thumbprints`);
  return { topic, clients: [...new Set(clients.map((client, index) => readThumbprint(client, `${where}.clients[${index}]`)))] };
}

function readSection(value: unknown, section: (typeof SECTIONS)[number]): TopicPolicyRule[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`${section} is not a list`);
  const rules = value.map((rule, index) => readRule(rule, `${section}[${index}]`));
  const seen = new Map<string, number>();
  rules.forEach((rule, index) => {
    const first = seen.get(rule.topic);
    if (first !== undefined) throw invalid(`${section}[${index}].topic repeats ${section}[${first}].topic: list its clients once`);
    seen.set(rule.topic, index);
  });
  return rules;
}

/** Checks a policy given as a value (parsed JSON, or an object from code) and normalises its thumbprints. */
export function readTopicPolicy(value: unknown): TopicPolicy {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('the policy is not a JSON object');
  const unknown = Object.keys(value).filter((key) => !(SECTIONS as readonly string[]).includes(key));
  // A misspelt section would leave its topics open without a word: refuse it.
  if (unknown.length > 0) throw invalid(`the policy has ${unknown.length} key(s) other than send and receive`);
  const { send, receive } = value as Record<string, unknown>;
  return { send: readSection(send, 'send'), receive: readSection(receive, 'receive') };
}

/** Parses a policy file's text. */
export function parseTopicPolicy(text: string): TopicPolicy {
  let value: unknown;
  try {
    value = JSON.parse(stripJsonComments(text.replace(/^\uFEFF/, '')));
  } catch (error) {
    if (error instanceof TopicPolicyError) throw error;
    throw invalid('the policy is not JSON (with // or block comments)');
  }
  return readTopicPolicy(value);
}
