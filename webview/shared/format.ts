// The webviews format numbers with the one rule of src/shared/format.ts (the explorer uses it too).
export { compact, denoise, fmt, percent, signed } from '../../src/shared/format';
