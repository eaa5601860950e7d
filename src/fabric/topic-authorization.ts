import type { TopicPolicy, TopicPolicyRule } from './topic-policy';
import { wildcardAncestors } from './topics';

/**
 * The rules of one section (send or receive), decided as the OpenDXL broker decides them
 * (its TopicAuthorizationService): the rules that apply to a topic are the one for the topic
 * itself and those of its wildcard ancestors (`/a/#` for `/a/b`). No rule applies: the topic is
 * open. Otherwise a client is allowed when any thumbprint of its chain (its own certificate or
 * a CA's) is listed in any rule that applies.
 */
class RuleSet {
  private readonly byTopic = new Map<string, ReadonlySet<string>>();
  private readonly hasWildcards: boolean;

  constructor(rules: readonly TopicPolicyRule[]) {
    for (const rule of rules) this.byTopic.set(rule.topic, new Set(rule.clients));
    this.hasWildcards = rules.some((rule) => rule.topic.endsWith('#'));
  }

  allows(thumbprints: readonly string[], topic: string): boolean {
    if (this.byTopic.size === 0) return true;
    let restricted = false;
    const listed = (clients: ReadonlySet<string> | undefined): boolean => {
      if (!clients) return false;
      restricted = true;
      return thumbprints.some((thumbprint) => clients.has(thumbprint));
    };
    if (listed(this.byTopic.get(topic))) return true;
    if (this.hasWildcards) for (const ancestor of wildcardAncestors(topic)) if (listed(this.byTopic.get(ancestor))) return true;
    return !restricted;
  }
}

/** Who may send and receive on which topic: a fabric's topic policy, ready to ask. */
export class TopicAuthorization {
  private readonly sendRules: RuleSet;
  private readonly receiveRules: RuleSet;

  constructor(policy: TopicPolicy) {
    this.sendRules = new RuleSet(policy.send);
    this.receiveRules = new RuleSet(policy.receive);
  }

  /** Whether a client whose chain has these thumbprints may publish on `topic`. */
  maySend(thumbprints: readonly string[], topic: string): boolean {
    return this.sendRules.allows(thumbprints, topic);
  }

  /** Whether a client whose chain has these thumbprints may be delivered a message on `topic`. */
  mayReceive(thumbprints: readonly string[], topic: string): boolean {
    return this.receiveRules.allows(thumbprints, topic);
  }
}
