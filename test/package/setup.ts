// Packs storecast once and installs it into a fresh host app (pack.ts), so the package tests
// exercise what users get. The folder is handed to the tests with `provide`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { packIntoHostApp } from './pack.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The host app folder with the packed storecast installed in node_modules. */
    hostApp: string;
    /** Sizes in bytes: the tarball and the unpacked package. */
    packSizes: { tarball: number; unpacked: number };
  }
}

export default function setup(project: TestProject): () => void {
  const work = mkdtempSync(join(tmpdir(), 'storecast-package-'));
  const { app, sizes } = packIntoHostApp(work);
  project.provide('hostApp', app);
  project.provide('packSizes', sizes);
  return () => rmSync(work, { recursive: true, force: true });
}
