// Writes the sha256 of every file of a model folder into its README (between the markers) and,
// for the text encoder, into sha256.json, which embedText checks before loading.
// Usage: node tools/model-card.mjs public/models/<name>
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const dir = process.argv[2];
const files = [];
const walk = (d) => { for (const f of readdirSync(d)) { const p = join(d, f); if (statSync(p).isDirectory()) walk(p); else files.push(p); } };
walk(dir);
const shipped = files.map((p) => relative(dir, p)).filter((f) => f !== 'README.md' && f !== 'sha256.json').sort();
const sums = Object.fromEntries(shipped.map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
if (existsSync(join(dir, 'config.json'))) writeFileSync(join(dir, 'sha256.json'), JSON.stringify(sums, null, 2) + '\n');
const table = ['| file | bytes | sha256 |', '| --- | --- | --- |', ...shipped.map((f) => `| ${f} | ${statSync(join(dir, f)).size} | \`${sums[f]}\` |`)].join('\n');
const readme = join(dir, 'README.md');
const text = readFileSync(readme, 'utf8');
const start = '<!-- sha256:start -->';
const end = '<!-- sha256:end -->';
writeFileSync(readme, text.replace(new RegExp(`${start}[\\s\\S]*?${end}`), `${start}\n${table}\n${end}`));
console.log(table);
