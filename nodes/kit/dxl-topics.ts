/**
 * The one rule for DXL topics, for the runtime and the editor alike (no imports, so the editor
 * bundle takes it as it is). Only a trailing `#` level is a wildcard in DXL: the fabric and the
 * official clients match no `+`. A message goes to one topic: no wildcard at all.
 */

/** Where a topic is used: a subscription (event in, service) may end in `#`, a request or event sent may not. */
export type TopicUse = 'subscribe' | 'publish';

/** What is wrong with a topic, as a catalogue name (tie.topicProblem.<name>). */
export type TopicProblem = 'empty' | 'nul' | 'wildcardInPublish' | 'plusWildcard' | 'hashNotLast';

export function topicProblem(topic: string, use: TopicUse): TopicProblem | undefined {
  if (topic === '') return 'empty';
  if (topic.includes('\u0000')) return 'nul';
  if (use === 'publish') return /[#+]/.test(topic) ? 'wildcardInPublish' : undefined;
  if (topic.includes('+')) return 'plusWildcard';
  const hash = topic.indexOf('#');
  if (hash !== -1 && (hash !== topic.length - 1 || (hash > 0 && topic[hash - 1] !== '/'))) return 'hashNotLast';
  return undefined;
}

/** The topics of a dxl service node's setting: separated by commas or new lines, blanks dropped, each once. */
export function splitTopics(setting: string): string[] {
  return [
    ...new Set(
      setting
        .split(/[,\n]/)
        .map((topic) => topic.trim())
        .filter((topic) => topic !== ''),
    ),
  ];
}
