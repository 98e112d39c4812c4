/**
 * The command-line flags of the dataset options, for error messages: the data layer names its
 * options as the code does (`testSize`); the CLI shows the flag the user typed (`--test-size`).
 */
import type { OpenDatasetOptions } from '../data/dataset.ts';

/** The command-line flag of each dataset option. */
const OPTION_FLAGS: Record<keyof OpenDatasetOptions, string> = {
  dataDir: '--data-dir',
  validationSize: '--validation-size',
  testSize: '--test-size',
  grey: '--grey',
  imageSize: '--image-size',
  splitSeed: '--split-seed',
};

/**
 * A dataset error message with the option names of the code (`option testSize does not apply`,
 * `shapeset validationSize: expected …`) replaced by the flags the user typed (`--test-size`).
 */
export function withFlagNames(message: string): string {
  const flag = (key: string): string | undefined => (Object.hasOwn(OPTION_FLAGS, key) ? OPTION_FLAGS[key as keyof OpenDatasetOptions] : undefined);
  return message
    .replace(/\boption (\w+)\b/g, (m: string, key: string) => (flag(key) !== undefined ? `option ${flag(key)}` : m))
    // a name the message already labels as a config field stays as it is
    .replace(/(?<!config field )\b(dataDir|validationSize|testSize|imageSize|splitSeed)\b/g, (key: string) => flag(key) ?? key);
}

