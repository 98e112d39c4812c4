/**
 * Fig. 1: example images. Shapeset-3×2 at 64 × 64 for display (the networks see 32 × 32), as in
 * the paper, and a sheet for every other dataset that was run. The sheets are the preview sheets of
 * `glorot data preview` (src/data/preview.ts: one row per class, labelled), embedded as PNG images in
 * a Vega-Lite figure so that Fig. 1 has an SVG and a PNG like every other figure.
 */
import { openDataset } from '../../data/dataset.ts';
import { encodePng, examplesFromShapeset, examplesFromSplit, type ImageShape, renderPreview } from '../../data/preview.ts';
import { SHAPESET_CLASS_NAMES } from '../../data/shapeset/params.ts';
import { datasetTitle } from '../paper.ts';
import type { RunOutcome } from '../select.ts';
import { composeFigure, type FigureBuild, type Json, placeholderPanel } from './common.ts';

/** Examples per class in each sheet. */
export const FIG1_PER_CLASS = 6;

/** A panel showing one PNG image at its own pixel size. */
function imagePanel(title: string, png: Buffer, width: number, height: number): Json {
  return {
    title,
    width,
    height,
    data: { values: [{ url: `data:image/png;base64,${png.toString('base64')}`, x: 0.5, y: 0.5 }] },
    mark: { type: 'image', width, height },
    encoding: {
      url: { field: 'url', type: 'nominal' },
      x: { field: 'x', type: 'quantitative', scale: { domain: [0, 1] }, axis: null },
      y: { field: 'y', type: 'quantitative', scale: { domain: [0, 1] }, axis: null },
    },
    view: { stroke: null },
  };
}

/** The layout of a dataset's examples from its input size: square grey, or 3 planes of a square (CIFAR). */
export function imageShapeOf(inputSize: number): ImageShape | null {
  const grey = Math.round(Math.sqrt(inputSize));
  if (grey * grey === inputSize) return { width: grey, height: grey, channels: 1 };
  const colour = Math.round(Math.sqrt(inputSize / 3));
  if (3 * colour * colour === inputSize) return { width: colour, height: colour, channels: 3 };
  return null;
}

/**
 * Fig. 1.
 * @param others for each dataset other than Shapeset that ran, one of its runs (its stored config
 *   says how to open the dataset).
 */
export async function buildFig1(others: ReadonlyArray<{ dataset: string; run: RunOutcome }>): Promise<FigureBuild> {
  const title = 'Example images';
  const panels: Json[] = [];
  const notes: string[] = [];
  const shapes = renderPreview('SHAPESET-3X2 AT 64X64', SHAPESET_CLASS_NAMES, examplesFromShapeset(64, 1, FIG1_PER_CLASS), { width: 64, height: 64, channels: 1 }, 1);
  panels.push(imagePanel('Shapeset-3×2 (shown at 64×64; trained at 32×32)', encodePng(shapes), shapes.width, shapes.height));
  for (const { dataset, run } of others) {
    try {
      const cfg = run.run.config;
      const dataDir = typeof cfg['dataDir'] === 'string' ? cfg['dataDir'] : undefined;
      const ds = await openDataset(dataset, dataDir !== undefined ? { dataDir } : {});
      const shape = imageShapeOf(ds.inputSize);
      if (!shape) {
        notes.push(`${datasetTitle(dataset)}: inputs of ${ds.inputSize} values are not a square image; no sheet`);
        continue;
      }
      const sheet = renderPreview(datasetTitle(dataset).toUpperCase(), ds.classNames, examplesFromSplit(ds.test, ds.inputSize, ds.classes, FIG1_PER_CLASS), shape, 2);
      panels.push(imagePanel(`${datasetTitle(dataset)} (test images, shown 2×)`, encodePng(sheet), sheet.width, sheet.height));
    } catch (e) {
      notes.push(`${datasetTitle(dataset)}: could not open the dataset for a sheet (${(e as Error).message.split('\n')[0]})`);
      panels.push(placeholderPanel(`${datasetTitle(dataset)}: no sheet`, ['the dataset could not be opened for display']));
    }
  }
  notes.push('Small-ImageNet (the paper\'s second sheet) has no public copy and was not run');
  return {
    number: 1,
    id: 'fig1',
    title,
    caption:
      'One row per class, labelled with its index and name. Top/left: Shapeset-3×2 images generated at 64 × 64 for display, as in the paper (the networks are trained on 32 × 32 images); ' +
      'then a sheet of test images of every other dataset that was run. The paper\'s Small-ImageNet sheet is not reproduced (no public copy). ' +
      `Data shown: ${['Shapeset-3×2 (generated)', ...others.map((o) => `${datasetTitle(o.dataset)} (test set)`)].join(', ')}; no training run is involved.`,
    status: 'ok',
    notes,
    // the figure shows data only: a run is used just to find the dataset's files, so none is listed
    runs: [],
    spec: composeFigure(`Fig. 1: ${title}`, undefined, panels, 'h'),
  };
}
