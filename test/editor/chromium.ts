import fs from 'node:fs';

/** Debian's Chromium (or CHROMIUM_PATH); the editor tests never download a browser. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a closed network: no background connections, no first-run work. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function chromiumAvailable(): boolean {
  try {
    fs.accessSync(chromiumPath, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Skips the calling suite without a Chromium, except under CI=true, where that is a failure. */
export function requireChromium(context: Mocha.Context): void {
  if (chromiumAvailable()) return;
  const reason = `no Chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  if (/^(1|true|yes)$/i.test(process.env.CI ?? '')) throw new Error(`CI=true: ${reason}`);
  process.stdout.write(`      skipped: ${reason}\n`);
  context.skip();
}
