/**
 * A text for the user as a message-catalogue key and its parameters, translated only when it is
 * shown (statusDisplay and warnOnce in status.ts, with RED._). Keys
 * under "tie." are in every node's catalogue (one source: nodes/locales/<lang>/_shared.json);
 * keys with a namespace ("node-red:…") are Node-RED's own.
 */
export interface UserText {
  readonly key: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

export function userText(key: string, params?: Readonly<Record<string, string | number>>): UserText {
  return params === undefined ? { key } : { key, params };
}
