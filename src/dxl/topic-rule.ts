/**
 * The one rule for DXL topics, for the library, the nodes, the editor and the fabric alike, and the
 * one walk of a topic's wildcard ancestors (client dispatch and the fabric's service lookup). Only a trailing `#` level is a
 * wildcard in DXL: the brokers and the official clients match no `+`. A message goes to one topic: no
 * wildcard at all (an MQTT broker drops the connection of a client that publishes to one).
 */
import { DxlError, DxlErrorCode } from './errors';
import { topicTooLong } from './packet-limits';

/** Where a topic is used: a subscription (event in, service) may end in `#`, a request, response or event sent may not. */
export type TopicUse = 'subscribe' | 'publish';

/** What is wrong with a topic, as a catalogue name (tie.topicProblem.<name>). */
export type TopicProblem = 'empty' | 'nul' | 'wildcardInPublish' | 'plusWildcard' | 'hashNotLast';

export function topicProblem(topic: string, use: TopicUse): TopicProblem | undefined {
  if (topic === '') return 'empty';
  if (topic.includes('\u0000')) return 'nul';
  if (use === 'publish') return topic.includes('#') || topic.includes('+') ? 'wildcardInPublish' : undefined;
  if (topic.includes('+')) return 'plusWildcard';
  const hash = topic.indexOf('#');
  if (hash !== -1 && (hash !== topic.length - 1 || (hash > 0 && topic[hash - 1] !== '/'))) return 'hashNotLast';
  return undefined;
}

/** Why each topic problem makes a topic unusable, in words a flow author can act on. */
export const TOPIC_PROBLEMS: Readonly<Record<TopicProblem, string>> = {
  empty: 'a DXL topic is needed',
  nul: 'a topic cannot hold a NUL character',
  wildcardInPublish: 'a request, response or event goes to one topic: wildcards (# and +) are for event in and service topics',
  plusWildcard: '+ is not a DXL wildcard: end the topic in /# to take every topic below it',
  hashNotLast: '# is a wildcard only as the last level (/a/b/#, or # alone)',
};

/** The library's error for a topic DXL cannot use this way (the topic is not quoted: it may come from a peer). */
export function topicError(topic: string, use: TopicUse): DxlError | undefined {
  if (typeof topic !== 'string') return new DxlError(DxlErrorCode.InvalidArgument, 'A DXL topic must be a string');
  const problem = topicProblem(topic, use);
  if (problem !== undefined) return new DxlError(DxlErrorCode.InvalidArgument, `Not a DXL ${use} topic: ${TOPIC_PROBLEMS[problem]}`);
  return topicTooLong(topic);
}

/**
 * Calls `visit` with each DXL wildcard that matches `topic`, most specific first, as the brokers walk
 * them to find a service and the clients to find handlers: `/a/b/c` gives `/a/b/#`, `/a/#`, `/#`,
 * `#`; a wildcard (`/a/b/#`) starts from its parent (`/a/#`); `#` has none. A wildcard matches what
 * starts with it less its `#` (the JavaScript client's rule), so `/a/#` matches `/a/` but not `/a`.
 * Stops at the first `visit` that returns true.
 */
export function forEachWildcardAncestor(topic: string, visit: (wildcard: string) => boolean | void): void {
  let end = topic.length;
  for (;;) {
    const slash = topic.lastIndexOf('/', end - 1);
    if (slash < 0) break;
    const wildcard = topic.slice(0, slash + 1) + '#';
    if (wildcard !== topic && visit(wildcard) === true) return;
    end = slash;
    if (end === 0) break;
  }
  if (topic !== '#') visit('#');
}

/** The wildcard ancestors of `forEachWildcardAncestor`, as a list. */
export function wildcardAncestors(topic: string): string[] {
  const ancestors: string[] = [];
  forEachWildcardAncestor(topic, (wildcard) => void ancestors.push(wildcard));
  return ancestors;
}
