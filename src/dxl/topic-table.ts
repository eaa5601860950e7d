/*
 * Local dispatch by DXL topic. A handler registered on `/a/b/#` receives `/a/b/c`
 * and `/a/b/c/d` but not `/a/b`; `#` alone receives everything. Only a trailing
 * `#` is a wildcard in DXL (`+` is not).
 */

export class TopicTable<H> {
  private readonly byTopic = new Map<string, Set<H>>();

  /** Adds a handler; returns true when the topic had none before. */
  add(topic: string, handler: H): boolean {
    let handlers = this.byTopic.get(topic);
    const isNew = handlers === undefined;
    if (!handlers) {
      handlers = new Set();
      this.byTopic.set(topic, handlers);
    }
    handlers.add(handler);
    return isNew;
  }

  /** Removes a handler; returns true when the topic has none left. */
  remove(topic: string, handler: H): boolean {
    const handlers = this.byTopic.get(topic);
    if (!handlers || !handlers.delete(handler)) return false;
    if (handlers.size > 0) return false;
    this.byTopic.delete(topic);
    return true;
  }

  topics(): IterableIterator<string> {
    return this.byTopic.keys();
  }

  has(topic: string): boolean {
    return this.byTopic.has(topic);
  }

  get size(): number {
    return this.byTopic.size;
  }

  /** Calls `visit` for every handler whose topic matches `topic`: exact first, then wildcard ancestors. */
  forEachMatch(topic: string, visit: (handler: H) => void): void {
    const exact = this.byTopic.get(topic);
    if (exact) for (const handler of exact) visit(handler);
    if (this.byTopic.size === (exact ? 1 : 0)) return;
    let end = topic.length;
    for (;;) {
      const slash = topic.lastIndexOf('/', end - 1);
      if (slash < 0) break;
      const wildcard = topic.slice(0, slash + 1) + '#';
      if (wildcard !== topic) {
        const handlers = this.byTopic.get(wildcard);
        if (handlers) for (const handler of handlers) visit(handler);
      }
      end = slash;
      if (end === 0) break;
    }
    if (topic !== '#') {
      const all = this.byTopic.get('#');
      if (all) for (const handler of all) visit(handler);
    }
  }
}
