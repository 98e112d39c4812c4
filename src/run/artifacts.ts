/**
 * What a reproduce job computes for the report beyond its runs, stored in the run record's
 * `artifacts` table (src/core/artifacts.ts) so that the report only reads: Fig. 5's cost surfaces
 * (src/probes/costSurface.ts), Fig. 1's example sheets (src/data/preview.ts) and Shapeset-3×2's class
 * priors (its chance level).
 */
import type { ExampleSheet } from '../core/artifacts.ts';
import { openDataset } from '../data/dataset.ts';
import { encodePng, examplesFromShapeset, examplesFromSplit, renderPreview } from '../data/preview.ts';
import { SHAPESET_CLASS_NAMES, shapesetClassPriors } from '../data/shapeset/params.ts';
import { costSurfaces } from '../probes/costSurface.ts';
import { openRunStore } from '../store/runStore.ts';

/** Examples per class in each sheet of Fig. 1. */
export const FIG1_PER_CLASS = 6;

/** Shapeset-3×2's sheet: fresh images at 64 × 64 (the networks see 32 × 32), as the paper shows them. */
function shapesetSheet(): ExampleSheet {
  const examples = examplesFromShapeset(64, 1, FIG1_PER_CLASS);
  const image = renderPreview('Shapeset-3×2 at 64×64', SHAPESET_CLASS_NAMES, examples, { width: 64, height: 64, channels: 1 }, 1);
  return { dataset: 'shapeset', note: 'shown at 64×64; trained at 32×32', png: encodePng(image), width: image.width, height: image.height };
}

/**
 * A sheet of test images of another dataset, shown 2×.
 * @param dataDir where its files are (for the datasets read from a directory).
 * @returns null when its examples are not square images (no sheet).
 * @throws Error when the dataset cannot be opened.
 */
async function datasetSheet(dataset: string, dataDir: string | undefined): Promise<ExampleSheet | null> {
  const ds = await openDataset(dataset, dataDir !== undefined ? { dataDir } : {});
  const width = Number(ds.info['width']);
  const height = Number(ds.info['height']);
  const channels = ds.info['channels'] === 3 ? 3 : 1;
  if (!(width > 0 && height > 0) || width * height * channels !== ds.inputSize) return null;
  const examples = examplesFromSplit(ds.test, ds.inputSize, ds.classes, FIG1_PER_CLASS);
  const image = renderPreview(`${ds.name}, test set`, ds.classNames, examples, { width, height, channels }, 2);
  return { dataset, note: 'test images, shown 2×', png: encodePng(image), width: image.width, height: image.height };
}

/**
 * Computes the report's artifacts and stores them in `<outDir>`'s run record, replacing earlier ones
 * (they are deterministic): Fig. 5's cost surfaces, Shapeset's example sheet and class priors, and
 * one sheet per other dataset in `datasets`.
 * @param datasets the datasets the job ran, each with the directory of its files when it is read
 *   from one.
 * @returns one warning per dataset whose sheet could not be made (its panel then says so).
 * @throws RunStoreError when the run record cannot be opened for writing.
 */
export async function storeReportArtifacts(outDir: string, datasets: ReadonlyArray<{ dataset: string; dataDir?: string }>): Promise<string[]> {
  const warnings: string[] = [];
  const sheets: ExampleSheet[] = [shapesetSheet()];
  for (const { dataset, dataDir } of datasets) {
    if (dataset === 'shapeset') continue;
    try {
      const sheet = await datasetSheet(dataset, dataDir);
      if (sheet) sheets.push(sheet);
      else warnings.push(`Fig. 1: the examples of ${dataset} are not square images; no sheet`);
    } catch (e) {
      warnings.push(`Fig. 1: could not open ${dataset} for its sheet (${(e as Error).message.split('\n')[0]})`);
    }
  }
  const surfaces = costSurfaces();
  const store = openRunStore(outDir);
  try {
    store.putCostSurfaces(surfaces);
    store.putClassPriors({ dataset: 'shapeset', priors: shapesetClassPriors() });
    for (const sheet of sheets) store.putExampleSheet(sheet);
  } finally {
    store.close();
  }
  return warnings;
}
