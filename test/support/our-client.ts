import { DxlClient, type DxlClientOptions } from '../../src/dxl/client';
import { testPki } from '../../test-kit/pki-fixture';

const quiet = { warn: (): void => undefined };

/** Our DxlClient with the test PKI's client certificate, pointed at the given brokers. */
export function ourClient(brokers: Array<{ host: string; port: number }>, options: Partial<DxlClientOptions> = {}): DxlClient {
  const pki = testPki();
  return new DxlClient({
    brokers,
    ca: pki.ca.certPem,
    cert: pki.client.certPem,
    key: pki.client.keyPem,
    logger: quiet,
    reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
    ...options,
  });
}
