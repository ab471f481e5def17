// Node-only file access, imported lazily so browser bundles never load it. The library build keeps
// `node:*` imports external (vite.config.ts): a bundler's empty browser stub here would break Node.

const toPath = async (pathOrFileUrl: string): Promise<string> =>
  pathOrFileUrl.startsWith('file:') ? (await import('node:url')).fileURLToPath(pathOrFileUrl) : pathOrFileUrl;

export async function readLocalFile(pathOrFileUrl: string): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  return new Uint8Array(await readFile(await toPath(pathOrFileUrl)));
}

export async function writeLocalFile(pathOrFileUrl: string, bytes: Uint8Array): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(await toPath(pathOrFileUrl), bytes);
}

/** A folder of the installed package: lib/ (source) and dist/ (build) both sit one level below its root. */
export async function packageFolder(...parts: string[]): Promise<string> {
  const { fileURLToPath } = await import('node:url');
  return fileURLToPath(new URL(['..', ...parts, ''].join('/'), import.meta.url));
}
