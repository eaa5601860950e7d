/**
 * Parsing and validation of what clients send the TIE simulator: request payloads and external
 * reports. Anything wrong raises a `BadTieRequest` whose message goes back in the ErrorResponse.
 */
import { parseJsonPayload } from '../dxl/message';
import { isFileType, isTrustLevel } from '../tie/constants';
import { isBase64, normalizeHash } from '../tie/hashes';
import { HASH_TYPES, type HexHashType, type HexHashes, type ItemKind } from './tie-simulator-store';

export class BadTieRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadTieRequest';
  }
}

type JsonObject = Record<string, unknown>;

const DIGEST_BYTES: Readonly<Record<HexHashType, number>> = { md5: 16, sha1: 20, sha256: 32 };

function isHexHashType(type: string): type is HexHashType {
  return (HASH_TYPES as readonly string[]).includes(type);
}

export function parseRequestObject(payload: Buffer): JsonObject {
  let parsed: unknown;
  try {
    parsed = parseJsonPayload(payload);
  } catch (error) {
    throw new BadTieRequest(`Malformed request: the payload is not JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BadTieRequest('Malformed request: the payload is not a JSON object');
  }
  return parsed as JsonObject;
}

function base64Digest(value: unknown, what: string, bytes: number): string {
  if (!isBase64(value)) {
    throw new BadTieRequest(`Invalid ${what}: not standard base64`);
  }
  const raw = Buffer.from(value, 'base64');
  if (raw.length !== bytes) throw new BadTieRequest(`Invalid ${what}: ${raw.length} bytes instead of ${bytes}`);
  return raw.toString('hex');
}

export interface RequestHashes {
  hashes: HexHashes;
  publicKeySha1?: string;
}

/**
 * The `hashes` list of a request (and the top-level `publicKeySha1` of certificate requests).
 * Certificates carry one sha1; a `publicKeySha1` entry inside the list (as the Python mock's
 * events have it) is accepted as the public key.
 */
export function parseRequestHashes(request: JsonObject, kind: ItemKind): RequestHashes {
  const list = request.hashes;
  if (!Array.isArray(list) || list.length === 0) throw new BadTieRequest('No hashes were specified');
  const hashes: HexHashes = {};
  let publicKeySha1: string | undefined;
  list.forEach((entry: unknown, i) => {
    if (entry === null || typeof entry !== 'object') throw new BadTieRequest(`Invalid hashes[${i}]: not a {type, value} object`);
    const { type, value } = entry as { type?: unknown; value?: unknown };
    if (typeof type !== 'string') throw new BadTieRequest(`Invalid hashes[${i}]: no type`);
    if (kind === 'certificate' && type === 'publicKeySha1') {
      publicKeySha1 = base64Digest(value, `hashes[${i}] (publicKeySha1)`, 20);
      return;
    }
    if (!isHexHashType(type) || (kind === 'certificate' && type !== 'sha1')) {
      throw new BadTieRequest(`Unsupported hash type "${type}" for a ${kind}`);
    }
    hashes[type] = base64Digest(value, `hashes[${i}] (${type})`, DIGEST_BYTES[type]);
  });
  if (kind === 'certificate' && hashes.sha1 === undefined) throw new BadTieRequest('No certificate sha1 was specified');
  const topLevelKey = request.publicKeySha1;
  if (kind === 'certificate' && topLevelKey !== undefined && topLevelKey !== null && topLevelKey !== '') {
    publicKeySha1 = base64Digest(topLevelKey, 'publicKeySha1', 20);
  }
  return publicKeySha1 === undefined ? { hashes } : { hashes, publicKeySha1 };
}

/** For the strict wire readers of src/tie/arguments.ts: their refusals as BadTieRequest. */
export function badRequest(message: string): BadTieRequest {
  return new BadTieRequest(message);
}

export function optionalText(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new BadTieRequest(`Invalid ${what}: not a string`);
  return value;
}

export interface ExternalReport {
  hashes: HexHashes;
  trustLevel: number;
  fileType: number;
  filename?: string;
  comment?: string;
}

/**
 * An external report event: `{file: {type, hashes: {md5: hex, ...}, attributes: {filename},
 * reputation: {score}}, provider: {id: 15}, comment}`. Hashes are hex here, unlike requests.
 */
export function parseExternalReport(payload: Buffer): ExternalReport {
  const report = parseRequestObject(payload);
  const file = report.file;
  if (file === null || typeof file !== 'object' || Array.isArray(file)) throw new BadTieRequest('External report without a file');
  const { type, hashes, attributes, reputation } = file as JsonObject;
  const provider = report.provider;
  if (provider !== undefined && (provider === null || typeof provider !== 'object' || (provider as JsonObject).id !== 15)) {
    throw new BadTieRequest('External report for a provider other than External (15)');
  }
  if (hashes === null || typeof hashes !== 'object' || Array.isArray(hashes)) {
    throw new BadTieRequest('External report without file hashes');
  }
  const hex: HexHashes = {};
  for (const [key, value] of Object.entries(hashes as JsonObject)) {
    const hashType = key.toLowerCase();
    if (!isHexHashType(hashType)) throw new BadTieRequest(`External report with unsupported hash type "${key}"`);
    try {
      hex[hashType] = normalizeHash(value, hashType);
    } catch {
      throw new BadTieRequest(`External report with an invalid ${hashType} hash`);
    }
  }
  if (Object.keys(hex).length === 0) throw new BadTieRequest('External report without file hashes');
  const score = reputation !== null && typeof reputation === 'object' ? (reputation as JsonObject).score : undefined;
  if (!isTrustLevel(score) || score === 0) throw new BadTieRequest(`External report with an invalid score ${JSON.stringify(score)}`);
  const fileType = type === undefined || type === null ? 0 : type;
  if (!isFileType(fileType)) throw new BadTieRequest(`External report with an unknown file type ${JSON.stringify(type)}`);
  const filename =
    attributes !== null && typeof attributes === 'object' ? optionalText((attributes as JsonObject).filename, 'filename') : undefined;
  const comment = optionalText(report.comment, 'comment');
  const parsed: ExternalReport = { hashes: hex, trustLevel: score, fileType };
  if (filename) parsed.filename = filename;
  if (comment) parsed.comment = comment;
  return parsed;
}
