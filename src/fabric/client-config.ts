import fs from 'node:fs';

export const CLIENT_CONFIG_FILE = 'dxlclient.config';

export interface ClientConfigOptions {
  brokerId: string;
  /** Host or address clients should connect to. */
  host: string;
  port: number;
  /** Adds a [BrokersWebSockets] entry when set. */
  webSocketPort?: number;
  /** Paths as written into [Certs]; relative ones resolve against the config file's folder. */
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** A `dxlclient.config` in the format the official clients read (see src/dxl/config.ts). */
export function formatClientConfig(options: ClientConfigOptions): string {
  const { brokerId, host, port, webSocketPort } = options;
  const lines = [
    '# DXL client configuration for the node-red-contrib-tie fabric.',
    '# Rewritten each time the fabric starts; the certificate files next to it are kept.',
    '[Certs]',
    `BrokerCertChain=${options.caFile}`,
    `CertFile=${options.certFile}`,
    `PrivateKey=${options.keyFile}`,
    '',
    '[Brokers]',
    `${brokerId}=${brokerId};${port};${host}`,
    '',
  ];
  if (webSocketPort !== undefined) lines.push('[BrokersWebSockets]', `${brokerId}=${brokerId};${webSocketPort};${host}`, '');
  return lines.join('\n');
}

export function writeClientConfig(file: string, options: ClientConfigOptions): void {
  fs.writeFileSync(file, formatClientConfig(options), { mode: 0o644 });
}
