/** The widgets of a form's rows beyond their html: the TypedInputs with the TIE value lists, and the number boxes' limits. */
import type { Properties, TypedList } from '../kit/properties';
import { FileType, TRUST_LEVELS, TrustLevel } from '../../src/tie/constants';
import type { Dollar, Translate, TypedInputType } from './red';

/** Where a request node may read its hashes from. */
const HASHES_TYPES: readonly string[] = ['msg', 'flow', 'global', 'json', 'str', 'env', 'jsonata'];
/** Where a text setting (file name, comment) may come from. */
const TEXT_TYPES: readonly string[] = ['msg', 'str', 'flow', 'global', 'env', 'jsonata'];
const NUMBER_TYPES: readonly string[] = ['msg', 'num', 'flow', 'global', 'env', 'jsonata'];
/** What a DXL request may carry. */
const PAYLOAD_TYPES: readonly string[] = ['msg', 'flow', 'global', 'str', 'num', 'bool', 'json', 'bin', 'date', 'env', 'jsonata'];

/** A trust level picked from TIE's list ("30 – Might Be Malicious"), optionally with Not Set. */
function trustLevelTypes(_: Translate, withNotSet: boolean): Array<string | TypedInputType> {
  const levels = TRUST_LEVELS.filter((level) => withNotSet || level !== TrustLevel.NOT_SET);
  const trustLevel: TypedInputType = {
    value: 'tie-level',
    label: _('tie.typed.trustLevel'),
    icon: 'fa fa-shield',
    options: levels.map((level) => ({ value: String(level), label: `${level} – ${_(`tie.trustLevel.${level}`)}` })),
  };
  return [trustLevel, 'msg', 'flow', 'global', 'num', 'str', 'env', 'jsonata'];
}

/** A file type picked from TIE's list by its name (PEEXE, PDF, …). */
function fileTypeTypes(_: Translate): Array<string | TypedInputType> {
  const fileType: TypedInputType = {
    value: 'tie-filetype',
    label: _('tie.typed.fileType'),
    icon: 'fa fa-file-o',
    options: Object.keys(FileType).map((name) => ({ value: name, label: name })),
  };
  return [fileType, 'msg', 'flow', 'global', 'num', 'str', 'env'];
}

/** The TypedInput types of a declared list. */
function typedInputTypes(list: TypedList, _: Translate): ReadonlyArray<string | TypedInputType> {
  switch (list) {
    case 'hashes':
      return HASHES_TYPES;
    case 'text':
      return TEXT_TYPES;
    case 'number':
      return NUMBER_TYPES;
    case 'payload':
      return PAYLOAD_TYPES;
    case 'trustLevel':
      return trustLevelTypes(_, false);
    case 'trustLevelOrNotSet':
      return trustLevelTypes(_, true);
    case 'fileType':
      return fileTypeTypes(_);
  }
}

/**
 * Sets up the rows of `properties` in the open dialog (`prefix` names its boxes): each TypedInput
 * over its hidden "<name>Type" field, reading msg.<name> by default like every TIE setting; each
 * number box with its limits.
 */
export function prepareRows($: Dollar, _: Translate, properties: Properties, prefix = 'node-input'): void {
  for (const [name, property] of Object.entries(properties)) {
    if (property.kind === 'typed') {
      const types = [...typedInputTypes(property.types, _)];
      $(`#${prefix}-${name}`).typedInput({ default: 'msg', types, typeField: `#${prefix}-${name}Type` });
    } else if (property.kind === 'number' && property.textBox !== true) {
      $(`#${prefix}-${name}`).attr('min', property.setting.kind.min).attr('max', property.setting.kind.max);
    }
  }
}
