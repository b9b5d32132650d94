/** A stable 64-bit FNV-1a fingerprint, for records that arrive without an eventID. */
export function fingerprint(text: string): string {
  // Two 32-bit halves keep the arithmetic in safe integers without BigInt on the hot path.
  let h1 = 0x811c9dc5;
  let h2 = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x01000193 ^ 0x5bd1e995) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}
