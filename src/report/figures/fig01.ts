/**
 * Fig. 1: example images. Shapeset-3×2 at 64 × 64 for display (the networks see 32 × 32), as in
 * the paper, and a sheet for every other dataset that was run. The reproduce job renders the sheets
 * (the preview sheets of `glorot data preview`, src/data/preview.ts: one row per class, labelled)
 * and stores them in the run record (src/core/artifacts.ts); this file embeds them as PNG images in
 * a Vega-Lite figure, so that Fig. 1 has an SVG and a PNG like every other figure.
 */
import type { ExampleSheet } from '../../core/artifacts.ts';
import { datasetTitle } from '../paper.ts';
import { composeFigure, type FigureBuild, type Json, placeholderPanel } from './common.ts';

/** A panel showing one PNG image at its own pixel size. */
function imagePanel(title: string, png: Uint8Array, width: number, height: number): Json {
  return {
    title,
    width,
    height,
    data: { values: [{ url: `data:image/png;base64,${Buffer.from(png).toString('base64')}`, x: 0.5, y: 0.5 }] },
    mark: { type: 'image', width, height },
    encoding: {
      url: { field: 'url', type: 'nominal' },
      x: { field: 'x', type: 'quantitative', scale: { domain: [0, 1] }, axis: null },
      y: { field: 'y', type: 'quantitative', scale: { domain: [0, 1] }, axis: null },
    },
    view: { stroke: null },
  };
}

/**
 * Fig. 1.
 * @param sheets the example sheets stored in the run record (`RunStore.exampleSheets()`).
 * @param ranDatasets every dataset the job ran: one without a stored sheet gets a panel saying so.
 */
export function buildFig1(sheets: readonly ExampleSheet[], ranDatasets: readonly string[]): FigureBuild {
  const title = 'Example images';
  const panels: Json[] = [];
  const notes: string[] = [];
  for (const sheet of sheets) panels.push(imagePanel(`${datasetTitle(sheet.dataset)} (${sheet.note})`, sheet.png, sheet.width, sheet.height));
  const wanted = ['shapeset', ...ranDatasets.filter((d) => d !== 'shapeset')];
  const absent = wanted.filter((d) => !sheets.some((s) => s.dataset === d));
  if (absent.length > 0) {
    const names = absent.map(datasetTitle).join(', ');
    notes.push(`no example sheet of ${names} in the run record (made before glorot stored them, or ` +
      `the dataset could not be opened for one); run glorot reproduce here again to add them`);
    panels.push(placeholderPanel(`${names}: no sheet`, ['not in this run record: run glorot reproduce here again']));
  }
  notes.push('Small-ImageNet (the paper\'s second sheet) has no public copy and was not run');
  const shown = sheets.map((s) => (s.dataset === 'shapeset' ? 'Shapeset-3×2 (generated)' : `${datasetTitle(s.dataset)} (test set)`));
  return {
    number: 1,
    id: 'fig1',
    title,
    caption:
      'One row per class, labelled with its index and name. Top/left: Shapeset-3×2 images generated ' +
        'at 64 × 64 for display, as in the paper (the networks are trained on 32 × 32 images); ' +
      'then a sheet of test images of every other dataset that was run. The paper\'s Small-ImageNet sheet is not reproduced (no public copy). ' +
      `Data shown: ${shown.length > 0 ? shown.join(', ') : 'none'}; no training run is ` +
        `involved (the reproduce job renders the sheets and stores them in the run record).`,
    status: sheets.length === 0 ? 'not-run' : 'ok',
    notes,
    runs: [],
    spec: composeFigure(`Fig. 1: ${title}`, undefined, panels, 'h'),
  };
}
