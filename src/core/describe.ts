/**
 * How error messages show a value they found. One wording everywhere, the native addon's included
 * (native/addon.c, "targets must be an Int32Array, got a Float64Array").
 */

/**
 * Describes a value for an error message's "got …" part: numbers as themselves (`-1`, `NaN`),
 * strings quoted with their type (`"2" (a string)`), typed arrays and other objects by their class
 * (`a Float64Array`, `an Array`), `null` and `undefined` by name.
 * @returns the description; never throws.
 */
export function describeValue(v: unknown): string {
  switch (typeof v) {
    case 'undefined':
      return 'undefined';
    case 'number':
      return String(v);
    case 'string': {
      const q = JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
      return `${q} (a string)`;
    }
    case 'boolean':
      return `${String(v)} (a boolean)`;
    case 'bigint':
      return `${String(v)}n (a bigint)`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default: {
      if (v === null) return 'null';
      const ctor = (v as { constructor?: { name?: unknown } }).constructor;
      const name = typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'object';
      // "an Int32Array", "an object" but "a Uint8Array" (said "you-int"), as native/addon.c article()
      return `${/^[AEIOaeio]/.test(name) ? 'an' : 'a'} ${name}`;
    }
  }
}
