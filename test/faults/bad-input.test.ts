/**
 * Careless input, through the request nodes on a real fabric: a matrix of hash formats, trust
 * levels, file types, property types (TypedInputs reading msg, flow, global, env, JSON, JSONata),
 * per-item settings, oversized batches and oversized values. Each input must end in done(err) with
 * its documented code and a message that names the input and what is accepted, reach Catch with
 * msg.tieError (and the batch index), and leave the node working.
 */
import assert from 'node:assert/strict';
import { type TestFabric, configNodeFor, startTestFabric } from '../support/node-red-fabric';
import {
  type FlowNode,
  type TestMessage,
  catchAndComplete,
  collect,
  helper,
  node,
  onTab,
  ourNode,
  statusBecomes,
} from '../support/node-red-helper';
import { eventually } from '../support/eventually';
import { NOTEPAD, SAMPLE_CERT } from '../support/node-red-samples';
import { MAX_BATCH_ITEMS } from '../../nodes/kit/items';
import { recordFigures } from './support/figures';

const INVALID = 'TIE_INVALID_INPUT';

interface InputCase {
  group: string;
  /** The node it goes to. */
  target: string;
  msg: TestMessage;
  code: string;
  message: RegExp;
  index?: number;
}

const hex = (length: number, digit = 'a'): string => digit.repeat(length);
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const TRUST_LEVELS_LISTED =
  /is not a TIE trust level: expected one of 100 \(Known Trusted Installer\), 99 \(Known Trusted\), 85 \(Most Likely Trusted\), 70 \(Might Be Trusted\), 50 \(Unknown\), 30 \(Might Be Malicious\), 15 \(Most Likely Malicious\), 1 \(Known Malicious\), 0 \(Not Set\)$/;

function hashCases(): InputCase[] {
  const cases: InputCase[] = [];
  const add = (msg: TestMessage, message: RegExp, target = 'get-file', code = INVALID): void => {
    cases.push({ group: 'hash formats', target, msg, code, message });
  };
  // Every length of a bare hex string from 1 to 70 but the three a hash has.
  for (let length = 1; length <= 70; length++) {
    if (length === 32 || length === 40 || length === 64) continue;
    add(
      { payload: hex(length) },
      new RegExp(
        `^msg\\.payload: hash "a+(\\.\\.\\.)?" has ${length} hexadecimal characters; expected 32 \\(md5\\), 40 \\(sha1\\) or 64 \\(sha256\\)$`,
      ),
    );
  }
  for (const [bad, position] of [
    ['g', 1],
    ['z', 17],
    ['#', 9],
    ['é', 32],
    ['-', 40],
  ] as const) {
    const value = `${hex(position - 1)}${bad}${hex(64 - position)}`;
    add(
      { payload: value },
      new RegExp(`^msg\\.payload: hash ".+" is not hexadecimal: character ${escape(JSON.stringify(bad))} at position ${position}$`),
    );
  }
  // Spaces and colons separate groups of digits (a hash as tools print it): a digit short is a length error.
  add(
    { payload: `${hex(8)} ${hex(55)}` },
    /^msg\.payload: hash ".+" has 63 hexadecimal characters; expected 32 \(md5\), 40 \(sha1\) or 64 \(sha256\)$/,
  );
  for (const [value, described] of [
    [42, 'number'],
    [true, 'boolean'],
    [[[NOTEPAD.md5]], 'an array'],
  ] as const) {
    const message =
      described === 'an array'
        ? /^msg\.payload\[0\] must be a file hash \(hex string\) or an object such as \{"sha256": "<64 hex digits>"\}, got an array$/
        : new RegExp(
            `^msg\\.payload must be a file hash \\(hex string\\) or an object such as \\{"sha256": "<64 hex digits>"\\}, got ${described}$`,
          );
    cases.push({
      group: 'hash formats',
      target: 'get-file',
      msg: { payload: value },
      code: INVALID,
      message,
      ...(described === 'an array' ? { index: 0 } : {}),
    });
  }
  add({ payload: '' }, /^msg\.payload is empty: give a file hash or an object$/);
  add({ payload: null }, /^msg\.payload is empty: give a file hash or an object$/);
  add({ payload: {} }, /^msg\.payload: no hashes given: expected at least one of md5, sha1 or sha256$/);
  add(
    { payload: { md5: NOTEPAD.sha1 } },
    /^msg\.payload: md5 hash "7eb0139d2175739b3ccb0d1110067820be6abd29" has 40 hexadecimal characters; an md5 hash has 32$/,
  );
  add(
    { payload: { sha1: NOTEPAD.md5 } },
    /^msg\.payload: sha1 hash "f2c7bb8acc97f92e987a2d4087d021b1" has 32 hexadecimal characters; a sha1 hash has 40$/,
  );
  add({ payload: { sha256: 123 } }, /^msg\.payload: sha256 hash must be a hexadecimal string, got number$/);
  add({ payload: { sha256: { value: NOTEPAD.sha256 } } }, /^msg\.payload: sha256 hash must be a hexadecimal string, got object$/);
  add({ payload: { md4: NOTEPAD.md5 } }, /^msg\.payload has an unknown property "md4": expected md5, sha1, sha256 or hashes$/);
  add(
    { payload: { md5: NOTEPAD.md5, trustLevel: 99 } },
    /^msg\.payload has an unknown property "trustLevel": expected md5, sha1, sha256 or hashes$/,
  );
  add(
    { payload: { hashes: { md5: NOTEPAD.md5 }, md5: NOTEPAD.md5 } },
    /^msg\.payload gives hashes twice: use either "hashes" or md5\/sha1\/sha256 keys$/,
  );
  add(
    { payload: { hashes: 'abc' } },
    /^msg\.payload: hash "abc" has 3 hexadecimal characters; expected 32 \(md5\), 40 \(sha1\) or 64 \(sha256\)$/,
  );
  add(
    { payload: { hashes: 42 } },
    /^msg\.payload: hashes must be an object such as \{"md5": "<32 hex digits>"\} or a hex string, got number$/,
  );
  add(
    { payload: { md5: NOTEPAD.md5, MD5: 'f2c7bb8acc97f92e987a2d4087d021b2' } },
    /^msg\.payload: md5 hash given twice with different values$/,
  );
  add({ payload: { md5: NOTEPAD.md5, sha1: 'xyz' } }, /^msg\.payload: sha1 hash "xyz" is not hexadecimal: character "x" at position 1$/);
  // Certificates
  add({ payload: 'abc' }, /^msg\.payload: certificate sha1 "abc" has 3 hexadecimal characters; a sha1 hash has 40$/, 'get-cert');
  add(
    { payload: NOTEPAD.md5 },
    /^msg\.payload: certificate sha1 "f2c7bb8acc97f92e987a2d4087d021b1" has 32 hexadecimal characters; a sha1 hash has 40$/,
    'get-cert',
  );
  add(
    { payload: { sha1: SAMPLE_CERT.sha1, publicKeySha1: 'xyz' } },
    /^msg\.payload: certificate publicKeySha1 "xyz" is not hexadecimal: character "x" at position 1$/,
    'get-cert',
  );
  add(
    { payload: { hashes: { sha1: SAMPLE_CERT.sha1, md5: NOTEPAD.md5 } } },
    /^msg\.payload\.hashes has "md5": a certificate is identified by its sha1 only$/,
    'get-cert',
  );
  add({ payload: { hashes: 'x' } }, /^msg\.payload\.hashes must be an object such as \{"sha1": "<40 hex digits>"\}$/, 'get-cert');
  add(
    { payload: { sha1: SAMPLE_CERT.sha1, hashes: { sha1: SAMPLE_CERT.sha1 } } },
    /^msg\.payload gives the sha1 twice: use either "sha1" or "hashes"$/,
    'get-cert',
  );
  add({ payload: { publicKeySha1: SAMPLE_CERT.publicKeySha1 } }, /^msg\.payload: certificate sha1 is required$/, 'get-cert');
  add(
    { payload: { sha1: SAMPLE_CERT.sha1, filename: 'x.exe', trustLevel: 99 } },
    /^msg\.payload has an unknown property "filename": expected sha1, publicKeySha1 or hashes; settings: trustLevel, comment$/,
    'set-cert',
  );
  return cases;
}

function trustLevelCases(): InputCase[] {
  const cases: InputCase[] = [];
  for (const value of [42, '42', -1, 101, 99.5, 'TRUSTED', 'Known Trustworthy', true, {}, [99]]) {
    cases.push({
      group: 'trust levels',
      target: 'set-file',
      msg: { payload: NOTEPAD.md5, trustLevel: value },
      code: INVALID,
      message: new RegExp(`^msg\\.payload: trustLevel ${escape(JSON.stringify(value))} ${TRUST_LEVELS_LISTED.source}`),
    });
    cases.push({
      group: 'trust levels',
      target: 'external',
      msg: { payload: NOTEPAD.md5, trustLevel: value },
      code: INVALID,
      message: new RegExp(`^msg\\.payload: trustLevel ${escape(JSON.stringify(value))} is not a TIE trust level`),
    });
  }
  for (const value of [undefined, null, '']) {
    for (const target of ['set-file', 'set-cert', 'external']) {
      const payload = target === 'set-cert' ? SAMPLE_CERT.sha1 : NOTEPAD.md5;
      cases.push({
        group: 'trust levels',
        target,
        msg: { payload, trustLevel: value },
        code: INVALID,
        message: /^msg\.payload: trustLevel was not specified: give a trust level such as 99 or "KNOWN_TRUSTED"$/,
      });
    }
  }
  for (const value of [0, '0', 'NOT_SET', 'Not Set']) {
    cases.push({
      group: 'trust levels',
      target: 'external',
      msg: { payload: NOTEPAD.md5, trustLevel: value },
      code: INVALID,
      message: /^msg\.payload: trustLevel was not specified \(0, Not Set, cannot be sent\)$/,
    });
  }
  cases.push({
    group: 'trust levels',
    target: 'set-fixed-level',
    msg: { payload: NOTEPAD.md5 },
    code: INVALID,
    message: /^msg\.payload: trustLevel "42" is not a TIE trust level/,
  });
  return cases;
}

function fileTypeCases(): InputCase[] {
  return ['EXECUTABLE', 'PDF2', 9999, -1, 18.5, true, {}, ['PEEXE']].map((value) => ({
    group: 'file types',
    target: 'external',
    msg: { payload: NOTEPAD.md5, trustLevel: 99, filename: 'x.exe', fileType: value },
    code: INVALID,
    message: new RegExp(
      `^msg\\.payload: fileType ${escape(JSON.stringify(value))} is not a TIE file type: expected a name such as "PEEXE" or its number$`,
    ),
  }));
}

function propertyTypeCases(): InputCase[] {
  const cases: InputCase[] = [];
  const add = (target: string, msg: TestMessage, message: RegExp): void => {
    cases.push({ group: 'property types', target, msg, code: INVALID, message });
  };
  add('from-msg', { payload: NOTEPAD.md5 }, /^msg\.hashes is empty: give a file hash or an object$/);
  add(
    'from-flow',
    {},
    /^flow\.hashes must be a file hash \(hex string\) or an object such as \{"sha256": "<64 hex digits>"\}, got number$/,
  );
  add('from-global', {}, /^global\.hashes has an unknown property "sha512": expected md5, sha1, sha256 or hashes$/);
  add('from-env', {}, /^env\.TIE_FAULTS_NEVER_SET is empty: give a file hash or an object$/);
  add('from-json', {}, /^Cannot read the JSON input: /);
  add('from-jsonata', {}, /^Cannot read the JSONata input: /);
  for (const [name, value, described] of [
    ['filename', { name: 'x' }, 'object'],
    ['filename', ['x'], 'an array'],
    ['comment', { text: 'x' }, 'object'],
    ['comment', [1], 'an array'],
  ] as const) {
    add(
      'set-file',
      { payload: NOTEPAD.md5, trustLevel: 99, [name]: value },
      new RegExp(`^msg\\.payload: ${name} must be text, got ${described}$`),
    );
  }
  for (const value of [0, -1, 1.5, 'abc', '1.5', 1e20, {}, true]) {
    add(
      'firsts',
      { payload: NOTEPAD.md5, queryLimit: value },
      new RegExp(
        `^msg\\.payload: queryLimit ${escape(JSON.stringify(value))} is not a query limit: expected a whole number of at least 1$`,
      ),
    );
  }
  return cases;
}

function batchCases(): InputCase[] {
  const good = (n: number): string[] => Array.from({ length: n }, () => NOTEPAD.md5);
  const cases: InputCase[] = [
    {
      group: 'batches',
      target: 'get-file',
      msg: { payload: good(MAX_BATCH_ITEMS + 1) },
      code: INVALID,
      message: new RegExp(
        `^msg\\.payload has ${MAX_BATCH_ITEMS + 1} items: a batch holds at most ${MAX_BATCH_ITEMS}; split it into smaller batches$`,
      ),
    },
    {
      group: 'batches',
      target: 'set-file',
      msg: { payload: good(10 * MAX_BATCH_ITEMS), trustLevel: 99 },
      code: INVALID,
      message: new RegExp(`^msg\\.payload has ${10 * MAX_BATCH_ITEMS} items: a batch holds at most ${MAX_BATCH_ITEMS}`),
    },
  ];
  for (const index of [0, 3, 499]) {
    const payload: unknown[] = good(500);
    payload[index] = hex(33);
    cases.push({
      group: 'batches',
      target: 'get-file',
      msg: { payload },
      code: INVALID,
      index,
      message: new RegExp(`^msg\\.payload\\[${index}\\]: hash "a{33}" has 33 hexadecimal characters`),
    });
  }
  cases.push({
    group: 'batches',
    target: 'set-file',
    msg: {
      payload: [
        { md5: NOTEPAD.md5, trustLevel: 99 },
        { md5: NOTEPAD.md5, trustLevel: 'x' },
      ],
    },
    code: INVALID,
    index: 1,
    message: /^msg\.payload\[1\]: trustLevel "x" is not a TIE trust level/,
  });
  cases.push({
    group: 'batches',
    target: 'firsts',
    msg: { payload: [NOTEPAD.md5, { md5: NOTEPAD.md5, queryLimit: 0 }] },
    code: INVALID,
    index: 1,
    message: /^msg\.payload\[1\]: queryLimit 0 is not a query limit/,
  });
  return cases;
}

function oversizedValueCases(): InputCase[] {
  const huge = 'a'.repeat(1024 * 1024 + 1);
  return [
    {
      group: 'oversized values',
      target: 'get-file',
      msg: { payload: huge },
      code: INVALID,
      message: /^msg\.payload: hash "a{77}\.\.\." has 1048577 hexadecimal characters; expected 32 \(md5\), 40 \(sha1\) or 64 \(sha256\)$/,
    },
    {
      group: 'oversized values',
      target: 'set-file',
      msg: { payload: NOTEPAD.md5, trustLevel: 99, filename: 'x'.repeat(2 * 1024 * 1024) },
      code: 'DXL_INVALID_ARGUMENT',
      message: /^The request on \/mcafee\/service\/tie\/file\/reputation\/set is \d+ bytes: over the 1048576 bytes a DXL broker accepts$/,
    },
    {
      group: 'oversized values',
      target: 'external',
      msg: { payload: NOTEPAD.md5, trustLevel: 99, comment: 'y'.repeat(2 * 1024 * 1024) },
      code: 'DXL_INVALID_ARGUMENT',
      message: /^The event on \/mcafee\/event\/external\/file\/report is \d+ bytes: over the 1048576 bytes a DXL broker accepts$/,
    },
  ];
}

describe('faults: careless input through the request nodes', function () {
  this.timeout(120_000);
  const modules = ['tie-config', 'tie-get-reputation', 'tie-set-reputation', 'tie-set-external-reputation', 'tie-first-references'].map(
    ourNode,
  );
  let test: TestFabric;

  before(async () => {
    test = await startTestFabric();
    await helper.startServer();
  });
  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await test.close();
  });

  it('gives each bad input its documented code and message, and the nodes keep working', async () => {
    const [config, credentials] = configNodeFor(test);
    const request = (id: string, type: string, properties: Record<string, unknown> = {}): FlowNode => ({
      id,
      type,
      connection: 'config',
      input: 'payload',
      inputType: 'msg',
      wires: [['out']],
      ...properties,
    });
    const targets: FlowNode[] = [
      request('get-file', 'tie-get-reputation', { subject: 'file' }),
      request('get-cert', 'tie-get-reputation', { subject: 'certificate' }),
      request('set-file', 'tie-set-reputation', { subject: 'file' }),
      request('set-cert', 'tie-set-reputation', { subject: 'certificate' }),
      request('set-fixed-level', 'tie-set-reputation', { subject: 'file', trustLevel: '42', trustLevelType: 'tie-level' }),
      request('external', 'tie-set-external-reputation', { checkFirst: false }),
      request('firsts', 'tie-first-references', { subject: 'file' }),
      request('from-msg', 'tie-get-reputation', { subject: 'file', input: 'hashes', inputType: 'msg' }),
      request('from-flow', 'tie-get-reputation', { subject: 'file', input: 'hashes', inputType: 'flow' }),
      request('from-global', 'tie-get-reputation', { subject: 'file', input: 'hashes', inputType: 'global' }),
      request('from-env', 'tie-get-reputation', { subject: 'file', input: 'TIE_FAULTS_NEVER_SET', inputType: 'env' }),
      request('from-json', 'tie-get-reputation', { subject: 'file', input: '{"md5": ', inputType: 'json' }),
      request('from-jsonata', 'tie-get-reputation', { subject: 'file', input: 'payload.(', inputType: 'jsonata' }),
    ];
    const ids = targets.map((target) => target.id);
    await helper.load(modules, [...catchAndComplete(ids), config, ...onTab([...targets, { id: 'out', type: 'helper' }])], credentials);
    for (const id of ids) await statusBecomes(node(id), { text: 'node-red:common.status.connected' }, 10_000);
    const context = (
      node('from-flow') as unknown as {
        context(): { flow: { set(k: string, v: unknown): void }; global: { set(k: string, v: unknown): void } };
      }
    ).context();
    context.flow.set('hashes', 42);
    context.global.set('hashes', { sha512: 'abc' });

    const caught = collect('caught');
    const completed = collect('completed');
    const cases = [
      ...hashCases(),
      ...trustLevelCases(),
      ...fileTypeCases(),
      ...propertyTypeCases(),
      ...batchCases(),
      ...oversizedValueCases(),
    ];
    const problems: string[] = [];
    const byGroup: Record<string, number> = {};
    for (const [seq, c] of cases.entries()) {
      byGroup[c.group] = (byGroup[c.group] ?? 0) + 1;
      node(c.target).receive({ ...c.msg, seq });
      await eventually(
        () => caught.some((msg) => msg.seq === seq) || completed.some((msg) => msg.seq === seq),
        `case ${seq} to end`,
        10_000,
      );
      const failure = caught.find((msg) => msg.seq === seq);
      const label = `#${seq} ${c.group} → ${c.target} ${JSON.stringify(c.msg).slice(0, 120)}`;
      if (failure === undefined) {
        problems.push(`${label}: succeeded`);
        continue;
      }
      const error = failure.error as { code: string; message: string };
      const tieError = failure.tieError as { code: string; index?: number };
      if (error.code !== c.code || tieError.code !== c.code)
        problems.push(`${label}: code ${error.code}, expected ${c.code} (${error.message.slice(0, 200)})`);
      else if (!c.message.test(error.message))
        problems.push(`${label}: message ${JSON.stringify(error.message.slice(0, 300))} does not match ${c.message}`);
      else if (tieError.index !== c.index) problems.push(`${label}: index ${tieError.index}, expected ${c.index}`);
      else if (error.message.length > 600) problems.push(`${label}: a message of ${error.message.length} characters`);
    }
    assert.deepEqual(problems, [], `${problems.length} of ${cases.length} inputs went wrong:\n${problems.join('\n')}`);
    assert.equal(completed.length, 0, 'no bad input completed');
    assert.equal(caught.length, cases.length, 'one done(err) per input');
    await statusBecomes(node('get-file'), { fill: 'red', shape: 'dot', text: 'invalid input' });

    // And the nodes still work: good input of each kind, including a batch of the largest size.
    const outputs = collect('out');
    node('get-file').receive({ payload: ` ${NOTEPAD.md5.toUpperCase()} ` });
    node('get-cert').receive({ payload: SAMPLE_CERT });
    node('set-file').receive({ payload: NOTEPAD.md5, trustLevel: 'known-trusted', filename: 'notepad.exe' });
    node('external').receive({ payload: NOTEPAD.md5, trustLevel: '85', fileType: 'PE EXE', filename: 'notepad.exe' });
    node('firsts').receive({ payload: NOTEPAD.md5, queryLimit: '2' });
    node('get-file').receive({ payload: Array.from({ length: MAX_BATCH_ITEMS }, () => NOTEPAD.sha1) });
    await eventually(
      () => outputs.length === 6,
      () => `6 answers, got ${outputs.length}; caught ${JSON.stringify(caught.slice(cases.length).map((m) => m.error))}`,
      60_000,
    );
    assert.equal(caught.length, cases.length, 'good input after bad is not refused');
    recordFigures('bad-input', { inputsTried: cases.length, byGroup, wrong: problems.length, largestBatchAccepted: MAX_BATCH_ITEMS });
  });
});
