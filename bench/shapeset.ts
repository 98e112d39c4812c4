/**
 * Shapeset-3×2 generation speed on one core (issue 3: at least 100,000 images/s), through the
 * training stream as the trainer uses it (minibatches written into a reused buffer), plus the
 * generator's statistics over the images made. Not a test: timings depend on the machine.
 *
 *   node --import tsx bench/shapeset.ts [images per run, default 1,000,000] [batch, default 128]
 */
import { openDataset } from '../src/data/dataset.ts';
import { sampleShapeset } from '../src/data/stats.ts';

const images = Number(process.argv[2] ?? 1_000_000);
const batch = Number(process.argv[3] ?? 128);
const ds = await openDataset('shapeset', { validationSize: 0, testSize: 0 });
const x = new Float32Array(batch * ds.inputSize);
const y = new Int32Array(batch);

const rates: number[] = [];
for (let run = 0; run < 5; run++) {
  const stream = ds.trainStream(run);
  const t0 = process.hrtime.bigint();
  for (let done = 0; done < images; done += batch) stream.next(x, y, Math.min(batch, images - done));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  rates.push(images / seconds);
  console.log(`run ${run}: ${images} images in ${seconds.toFixed(2)} s = ${Math.round(images / seconds).toLocaleString('en')} images/s`);
}
rates.sort((a, b) => a - b);
console.log(`median: ${Math.round(rates[2]).toLocaleString('en')} images/s (32×32, minibatches of ${batch}, one core)`);

const s = sampleShapeset(0, images, 32);
console.log(
  `statistics over ${images.toLocaleString('en')} images: one object ${(100 * s.oneObject).toFixed(2)}%, ` +
    `rejections ${s.rejectionsPerObject.toFixed(4)} per object (${(100 * s.rejectedPlacements).toFixed(2)}% of placements), ` +
    `${s.dropped} dropped objects, dark background ${(100 * s.darkBackground).toFixed(2)}%`,
);
console.log(`class frequencies: ${s.summary.classCounts.map((c) => (c / images).toFixed(4)).join(' ')}`);
