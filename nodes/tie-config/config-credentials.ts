/**
 * The tie-config node's credentials, as its runtime registers them and its editor declares them:
 * Node-RED keeps them out of flow exports, and never sends a `password` one back to the editor.
 */
export const TIE_CONFIG_CREDENTIALS = {
  caPem: { type: 'text' },
  certPem: { type: 'text' },
  keyPem: { type: 'password' },
  proxyUser: { type: 'text' },
  proxyPassword: { type: 'password' },
} as const satisfies Record<string, { type: 'text' | 'password' }>;
