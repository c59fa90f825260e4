// Types of scripts/childEnv.mjs for the tests that import it.
export function isNpmVariable(name: string): boolean;
export function childEnv(extra?: Record<string, string>, opts?: { pathFirst?: string; base?: NodeJS.ProcessEnv }): Record<string, string>;
