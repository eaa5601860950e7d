/** tie-set-external-reputation's form: its rows, then a tip on writes. */
import { flowNodePage } from '../editor/form';
import { PROPERTIES, TYPE } from './properties';

export function page(): string {
  return flowNodePage(TYPE, PROPERTIES, `${TYPE}.tip`);
}
