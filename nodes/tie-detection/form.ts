/** tie-detection's form. */
import { flowNodePage } from '../editor/form';
import { PROPERTIES, TYPE } from './properties';

export function page(): string {
  return flowNodePage(TYPE, PROPERTIES);
}
