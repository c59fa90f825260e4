// The schemas of the values every protocol names: a run, a split, a step, a group, a sample. One
// definition, shared by the engine protocol (full zod composes these zod/mini schemas) and the
// webview protocols (zod/mini only, to keep the browser bundles small).
import * as z from 'zod/mini';

export const SPLITS = ['train', 'val'] as const;

/** A run's name as the store accepts it (src/core/store/store.ts checks the characters). */
export const runName = z.string().check(z.minLength(1), z.maxLength(128));
export const split = z.enum(SPLITS);
export const step = z.int().check(z.minimum(0));
/** A group's id: the trainer's uid, or the prompt hash the adapter derived. */
export const groupId = z.string().check(z.minLength(1), z.maxLength(512));
/** A sample's position in its group. */
export const sampleIndex = z.int().check(z.minimum(0));

/** The fields of a group's identity (docs/architecture.md#sample-identity). */
export const groupRefShape = { run: runName, split, step, group: groupId };
export const groupRefSchema = z.strictObject(groupRefShape);
export const sampleRefSchema = z.strictObject({ ...groupRefShape, index: sampleIndex });
