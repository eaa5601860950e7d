/** The TypedInputs of the TIE editors: where values may come from, and the TIE value lists. */
import { FileType, TRUST_LEVELS, TrustLevel } from '../../src/tie/constants';
import type { Dollar, Translate, TypedInputType } from './red';

/** Where a request node may read its hashes from. */
export const HASHES_TYPES: readonly string[] = ['msg', 'flow', 'global', 'json', 'str', 'env', 'jsonata'];
/** Where a text setting (file name, comment) may come from. */
export const TEXT_TYPES: readonly string[] = ['msg', 'str', 'flow', 'global', 'env', 'jsonata'];
export const NUMBER_TYPES: readonly string[] = ['msg', 'num', 'flow', 'global', 'env', 'jsonata'];

/** A trust level picked from TIE's list ("30 – Might Be Malicious"), optionally with Not Set. */
export function trustLevelType(_: Translate, withNotSet: boolean): TypedInputType {
  const levels = TRUST_LEVELS.filter((level) => withNotSet || level !== TrustLevel.NOT_SET);
  return {
    value: 'tie-level',
    label: _('tie.typed.trustLevel'),
    icon: 'fa fa-shield',
    options: levels.map((level) => ({ value: String(level), label: `${level} – ${_(`tie.trustLevel.${level}`)}` })),
  };
}

export function trustLevelTypes(_: Translate, withNotSet: boolean): Array<string | TypedInputType> {
  return [trustLevelType(_, withNotSet), 'msg', 'flow', 'global', 'num', 'str', 'env', 'jsonata'];
}

/** A file type picked from TIE's list by its name (PEEXE, PDF, …). */
export function fileTypeTypes(_: Translate): Array<string | TypedInputType> {
  const fileType: TypedInputType = {
    value: 'tie-filetype',
    label: _('tie.typed.fileType'),
    icon: 'fa fa-file-o',
    options: Object.keys(FileType).map((name) => ({ value: name, label: name })),
  };
  return [fileType, 'msg', 'flow', 'global', 'num', 'str', 'env'];
}

/** Sets up a TypedInput over the hidden "<name>Type" field; like every TIE setting it reads msg.<name> by default. */
export function typed($: Dollar, name: string, types: ReadonlyArray<string | TypedInputType>): void {
  $(`#node-input-${name}`).typedInput({ default: 'msg', types: [...types], typeField: `#node-input-${name}Type` });
}
