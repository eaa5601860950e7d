/**
 * Files read safely: whatever a dxlclient.config, a PEM file it names or a CA option points at (a
 * FIFO nothing writes to, a device, a 100 MB file, a folder, /etc/passwd, /proc/self/environ,
 * random text), the library never stalls the event loop on it, never reads more than the cap,
 * and says what is wrong with the path without a word of what the file holds.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { managementServer } from '../src/cli/management-options';
import { UsageError } from '../src/cli/usage-error';
import { loadDxlConfig } from '../src/dxl/config';
import { readTlsFile } from '../src/dxl/config-options';
import { DxlError, DxlErrorCode } from '../src/dxl/errors';
import { DXL_CONFIG_FILE, FileReadError, MAX_DXL_CONFIG_BYTES, PEM_FILE, formatSize, readFileSafely } from '../src/dxl/safe-file';
import { updateConfigFile } from '../src/provision';
import { MARKER, MAX_RSS_GROWTH_BYTES, MAX_STALL_MS, hostileFiles, longestStall, tempDir } from './support/hostile-files';

function refusal(run: () => unknown): DxlError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof DxlError, `a DxlError, got ${String(error)}`);
    assert.equal(error.code, DxlErrorCode.Config);
    return error;
  }
  return assert.fail('expected a refusal');
}

describe('files read safely', function () {
  this.timeout(20_000);
  let dir: string;
  before(() => {
    dir = tempDir('tie-safe-file-');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loadDxlConfig refuses each hostile file at once, naming the path and the problem, quoting nothing of it', async () => {
    const rssBefore = process.memoryUsage().rss;
    for (const hostile of hostileFiles(dir)) {
      let error: DxlError | undefined;
      const stall = await longestStall(() => {
        error = refusal(() => loadDxlConfig(hostile.file));
      });
      assert.ok(stall < MAX_STALL_MS, `${hostile.name}: the event loop stalled ${stall.toFixed(0)} ms`);
      const message = error?.message ?? '';
      assert.ok(message.startsWith(`${hostile.file}`), `${hostile.name}: names the path: ${message}`);
      assert.match(message, hostile.problem, hostile.name);
      const said = `${message} ${error?.stack ?? ''} ${String((error?.cause as Error | undefined)?.message ?? '')}`;
      for (const secret of hostile.secrets) assert.ok(!said.includes(secret), `${hostile.name}: its content is quoted: ${message}`);
    }
    const growth = process.memoryUsage().rss - rssBefore;
    assert.ok(growth < MAX_RSS_GROWTH_BYTES, `RSS grew ${formatSize(growth)}`);
  });

  it('a PEM path at a FIFO, a device, a folder or a file that is not PEM: refused by name, its content never quoted', async () => {
    const fifo = path.join(dir, 'key-fifo.pem');
    execFileSync('mkfifo', [fifo]);
    const notPem = path.join(dir, 'not.pem');
    fs.writeFileSync(notPem, `just text ${MARKER}\n`);
    const huge = path.join(dir, 'huge.pem');
    fs.writeFileSync(huge, `-----BEGIN CERTIFICATE-----\n${MARKER}\n`);
    fs.truncateSync(huge, 2 * 1024 * 1024);
    const cases: Array<[string, RegExp]> = [
      [fifo, /^PrivateKey file .*key-fifo\.pem: is a FIFO \(named pipe\), not a regular file$/],
      ['/dev/zero', /^PrivateKey file \/dev\/zero: is a device, not a regular file$/],
      [dir, /^PrivateKey file .*: this is a folder, not a file: give the path of the PEM file in it$/],
      [notPem, /^PrivateKey file .*not\.pem: is not PEM: it has no "-----BEGIN ...-----" line$/],
      [huge, /^PrivateKey file .*huge\.pem: is 2 MB, over the 1 MB a PEM file may be$/],
    ];
    for (const [file, expected] of cases) {
      let error: DxlError | undefined;
      const stall = await longestStall(() => {
        error = refusal(() => readTlsFile(file, 'PrivateKey'));
      });
      assert.ok(stall < MAX_STALL_MS, `${file}: the event loop stalled ${stall.toFixed(0)} ms`);
      assert.match(error?.message ?? '', expected);
      assert.ok(!(error?.message ?? '').includes(MARKER));
    }
  });

  it('reads a /proc file, whose size says 0, to the end, and refuses one past the cap without reading the rest', () => {
    const status = readFileSafely('/proc/self/status', PEM_FILE);
    assert.match(status.toString('utf8'), /^Name:/);
    // A file that grows past what fstat said is still cut at cap + 1 bytes.
    const big = path.join(dir, 'grown.config');
    fs.writeFileSync(big, Buffer.alloc(MAX_DXL_CONFIG_BYTES + 1, 'a'));
    const error = refusal(() => readFileSafely(big, DXL_CONFIG_FILE));
    assert.ok(error instanceof FileReadError);
    assert.equal(error.reason, 'is 64 KB, over the 64 KB a dxlclient.config may be');
    fs.writeFileSync(big, Buffer.alloc(MAX_DXL_CONFIG_BYTES, 'a'));
    assert.equal(readFileSafely(big, DXL_CONFIG_FILE).length, MAX_DXL_CONFIG_BYTES, 'exactly the cap is read');
  });

  it('a socket is refused by name (it cannot even be opened)', async () => {
    const net = await import('node:net');
    const socketPath = path.join(dir, 'a.sock');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      assert.match(refusal(() => loadDxlConfig(socketPath)).message, /: is a socket or device, not a regular file$/);
    } finally {
      server.close();
    }
  });

  it('tie-dxl --truststore and tie-dxl update read through the same reader', async () => {
    const fifo = path.join(dir, 'ca-fifo.pem');
    execFileSync('mkfifo', [fifo]);
    const saved = process.env.TIE_DXL_PASSWORD;
    process.env.TIE_DXL_PASSWORD = 'pw';
    try {
      await assert.rejects(
        managementServer('epo.example', { user: 'u', truststore: fifo }),
        (error: Error) =>
          error instanceof UsageError && /^--truststore .*ca-fifo\.pem: is a FIFO \(named pipe\), not a regular file$/.test(error.message),
      );
    } finally {
      if (saved === undefined) delete process.env.TIE_DXL_PASSWORD;
      else process.env.TIE_DXL_PASSWORD = saved;
    }
    const update = { caBundlePem: '', brokers: [{ port: 8883, hosts: ['h'] }], webSocketBrokers: [] };
    assert.match(refusal(() => updateConfigFile('/dev/zero', update)).message, /^\/dev\/zero: is a device, not a regular file$/);
  });
});
