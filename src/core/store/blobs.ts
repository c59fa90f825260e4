// Compact BLOB codecs for per-token arrays: token ids as int32, logprobs and token advantages as
// float32 (what trainers compute in anyway), little-endian regardless of the host.

export function encodeInt32(values: readonly number[] | undefined): Buffer | null {
  if (!values) return null;
  const buf = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) buf.writeInt32LE(values[i]!, i * 4);
  return buf;
}

/** Accepts a Buffer (better-sqlite3) or a plain Uint8Array (node:sqlite). */
function view(blob: Uint8Array): DataView {
  return new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
}

export function decodeInt32(blob: Uint8Array | null | undefined): number[] | undefined {
  if (!blob) return undefined;
  const v = view(blob);
  const out = new Array<number>(blob.length >>> 2);
  for (let i = 0; i < out.length; i++) out[i] = v.getInt32(i * 4, true);
  return out;
}

export function encodeFloat32(values: readonly number[] | undefined): Buffer | null {
  if (!values) return null;
  const buf = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) buf.writeFloatLE(values[i]!, i * 4);
  return buf;
}

export function decodeFloat32(blob: Uint8Array | null | undefined): number[] | undefined {
  if (!blob) return undefined;
  const v = view(blob);
  const out = new Array<number>(blob.length >>> 2);
  for (let i = 0; i < out.length; i++) out[i] = v.getFloat32(i * 4, true);
  return out;
}
