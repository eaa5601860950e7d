/** What a process holds that a leak would grow: sockets, timers, listeners. */

/** Open TCP and TLS handles of this process. */
export function socketCount(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap' || name === 'TCPWrap' || name === 'TLSWrap').length;
}

/** Active timers (setTimeout/setInterval) of this process. */
export function timerCount(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

/** Every active resource by kind, for reports. */
export function resourceSummary(): Record<string, number> {
  const summary: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) summary[name] = (summary[name] ?? 0) + 1;
  return summary;
}
