// Types of scripts/e2e-setup.mjs for the tests that import it.
export interface Generation {
  codeServer: string;
  harness: string;
  node: '20' | '22' | '24';
}
export const GENERATIONS: Record<string, Generation>;
export function codeServerVersion(node: string, entry: string): string | null;
export function ensureApt(): void;
export function ensureCodeServer(generation?: string): Promise<{ generation: string; codeServer: string; node: string; entry: string }>;
export function ensureE2e(generation?: string): Promise<{ generation: string; codeServer: string; node: string; entry: string }>;
export function codeServerArgs(o: {
  entry: string;
  port: number;
  config: string;
  data: string;
  extensions: string;
  workspace: string;
}): string[];
