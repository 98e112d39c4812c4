/** The one error type for malformed data files: it names the file, the field, what was expected and what was found. */

/** A malformed data file. The message reads `<file>: <field>: expected <expected>, found <found>`. */
export class DataFileError extends Error {
  /**
   * @param file the file's path (or another name for the bytes' source).
   * @param field what was checked: 'magic', 'length', 'label at record 12', …
   */
  constructor(
    readonly file: string,
    readonly field: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${file}: ${field}: expected ${expected}, found ${found}`);
    this.name = 'DataFileError';
  }
}
