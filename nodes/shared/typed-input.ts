/**
 * Reading a node property set with a TypedInput, per message. Besides Node-RED's own types
 * (msg, flow, global, env, json, str, num, jsonata, ...) the TIE editors offer select types
 * ("tie-level", "tie-filetype") whose value is used as is.
 */
import { type TieNodeError, invalidInputError } from '../../src/flow/errors';
import type { NodeInstance, NodeMessage, NodeRedApi } from './node-red-types';

export const LITERAL_TYPES: ReadonlySet<string> = new Set(['tie-level', 'tie-filetype']);

export interface TypedValue {
  value: unknown;
  type: unknown;
}

/** How a TypedInput reads in messages: "msg.payload", "flow.hashes", "env.TIE_LEVEL". */
export function typedLabel({ value, type }: TypedValue): string {
  const text = typeof value === 'string' ? value : '';
  switch (type) {
    case 'msg':
    case 'flow':
    case 'global':
    case 'env':
      return `${type}.${text}`;
    case 'json':
      return 'the JSON input';
    case 'jsonata':
      return 'the JSONata input';
    default:
      return 'the input';
  }
}

export function evaluateTyped(RED: NodeRedApi, node: NodeInstance, msg: NodeMessage, typed: TypedValue): Promise<unknown> {
  const type = typeof typed.type === 'string' && typed.type !== '' ? typed.type : 'str';
  if (LITERAL_TYPES.has(type)) return Promise.resolve(typed.value);
  // An empty number field means "not set", not 0.
  if (type === 'num' && (typed.value === '' || typed.value === undefined || typed.value === null)) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    try {
      RED.util.evaluateNodeProperty(typed.value ?? '', type, node, msg, (error, value) => {
        if (error) reject(unreadable(typed, error));
        else resolve(value);
      });
    } catch (error) {
      reject(unreadable(typed, error));
    }
  });
}

function unreadable(typed: TypedValue, error: unknown): TieNodeError {
  const reason = error instanceof Error ? error.message : String(error);
  return invalidInputError(`Cannot read ${typedLabel(typed)}: ${reason}`);
}

/** A node's TypedInput setting, or `msg.<property>` when the flow JSON has none (the editor's default). */
export function typedOrMsg(value: unknown, type: unknown, property: string): TypedValue {
  if (typeof type !== 'string' || type === '') return { value: property, type: 'msg' };
  return { value, type };
}
