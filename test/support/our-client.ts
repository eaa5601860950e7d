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

/** Waits until `predicate` holds, polling; fails with `what` after timeoutMs. */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
