// bench/RESULTS.md is made of sections, one per benchmark; running one benchmark rewrites only its
// section, with the command and date that produced it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const FILE = new URL('./RESULTS.md', import.meta.url);
const HEADER = '# storecast benchmark results\n\nProduced by `npm run bench` (sections below name their own command). Machine: 2 cores, no GPU, Node 20, headless Chromium (SwiftShader for WebGPU/WebGL).\n';

export function writeSection(name: string, command: string, body: string): void {
  const existing = existsSync(FILE) ? readFileSync(FILE, 'utf8') : HEADER;
  const start = `<!-- section:${name} -->`;
  const end = `<!-- /section:${name} -->`;
  const section = `${start}\n## ${name}\n\nCommand: \`${command}\` — run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC\n\n${body.trim()}\n${end}`;
  const escape = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`${escape(start)}[\\s\\S]*?${escape(end)}`);
  writeFileSync(FILE, pattern.test(existing) ? existing.replace(pattern, () => section) : `${existing.trimEnd()}\n\n${section}\n`);
}

export function table(headers: string[], rows: Array<Array<string | number | undefined>>): string {
  const cell = (v: string | number | undefined): string => (v === undefined ? '' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : v);
  return [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}
