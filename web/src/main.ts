/**
 * Entry point: reads the embedded snapshot when there is one (`glorot serve --export`, opened from
 * disk), else the live server that served the page.
 */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { mountApp } from './app.ts';
import { LiveSource } from './data/live.ts';
import { embeddedSnapshot, SnapshotSource } from './data/snapshot.ts';
import type { DataSource } from './data/source.ts';

/** The source for this page: the snapshot if embedded, else the server at the page's directory. */
function chooseSource(): DataSource {
  const snapshot = embeddedSnapshot();
  return snapshot ? new SnapshotSource(snapshot) : new LiveSource('.');
}

function start(): void {
  mountApp(document.getElementById('app')!, chooseSource());
}

// A snapshot page opened from disk may load its data script after this one: wait for the page.
if (location.protocol === 'file:' && !embeddedSnapshot() && document.readyState !== 'complete') window.addEventListener('load', start, { once: true });
else start();
