/** The TIE tables the node layer offers its users (the editor's trust-level and file-type choices). */
export { FileType, TRUST_LEVELS, TrustLevel } from '../tie/constants';
