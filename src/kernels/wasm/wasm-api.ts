/**
 * The part of the JavaScript WebAssembly API the wasm backend uses, typed here because the
 * project compiles against lib ES2022 without DOM (which is where TypeScript declares
 * `WebAssembly`). Reached through `globalThis`, so these types never clash with lib.dom's.
 * Source: the WebAssembly JS API, https://webassembly.github.io/spec/js-api/.
 */

/** A compiled module (opaque; structured-clonable to workers). */
export interface WasmModule {
  readonly [Symbol.toStringTag]?: string;
}

/** A linear memory; with `shared: true` its buffer is a SharedArrayBuffer. */
export interface WasmMemory {
  /** The current buffer; a new object after each grow (old views stay valid when shared). */
  readonly buffer: ArrayBufferLike;
  /** Grows by `deltaPages` 64 KiB pages; returns the old size in pages. @throws RangeError */
  grow(deltaPages: number): number;
}

/** An instantiated module. */
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

/** Imports object: module name → field name → value. */
export type WasmImports = Record<string, Record<string, unknown>>;

/** The `WebAssembly` namespace, as far as it is used here. */
export interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: ArrayBufferView | ArrayBuffer) => WasmModule;
  Instance: new (module: WasmModule, imports: WasmImports) => WasmInstance;
  validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
  compile(bytes: ArrayBufferView | ArrayBuffer): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: WasmImports): Promise<WasmInstance>;
}

/** The host's `WebAssembly` object. @throws Error at import time when the host has none. */
export const wasmApi: WasmApi = (() => {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) throw new Error('this JavaScript host has no WebAssembly support');
  return api;
})();

/** Bytes of one WebAssembly page. */
export const WASM_PAGE = 65536;
