/** Types for `siphash24` (SipHash-2-4 in WebAssembly, with a JavaScript fallback). */
declare module 'siphash24' {
  /** SipHash-2-4 of `data` under a 16-byte `key`, into `out` (8 bytes, a new array if not given). `noAssert` skips the length checks. */
  function siphash24(data: Uint8Array, key: Uint8Array, out?: Uint8Array, noAssert?: boolean): Uint8Array;
  namespace siphash24 {
    const BYTES: 8;
    const KEYBYTES: 16;
    const WASM_SUPPORTED: boolean;
    const WASM_LOADED: boolean;
  }
  export = siphash24;
}
