// The webviews format numbers with the one rule of src/shared/format.ts (the explorer uses it too).
export { compact, fmt, percent, signed } from '../../src/shared/format';
