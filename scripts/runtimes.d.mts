// Types of scripts/runtimes.mjs for the tests that import it.
export const NODE_VERSIONS: Record<'20' | '22' | '24', string>;
export const CACHE: string;
export interface Runtime {
  version: string;
  nodeBin: string;
  abi: string;
  binary: string;
}
export interface PrebuildOptions {
  cache?: string;
  prebuilds?: string;
  build?: (b: { version: string; nodeBin: string; abi: string; out: string }) => void;
  log?: (msg: string) => void;
}
export function ensureNode(version: string, cache?: string): string;
export function ensurePrebuild(version: string, opts?: PrebuildOptions): Runtime;
export function ensureRuntimes(majors?: string[]): Runtime[];
export function loadCheck(nodeBin: string, file: string): { ok: true } | { ok: false; reason: string };
export function binaryAbi(file: string): string | null;
export function prebuildProblems(dir: string): string[];
export function betterSqliteVersion(): string;
