// Builds the distillation corpus from licence-clean sources on a Debian machine:
//   - Debian package descriptions (short + long, Translation-en; each under its package's DFSG-free licence)
//   - WordNet 3.0 glosses (WordNet licence, permissive)
//   - product-like titles/descriptions generated from WordNet nouns, adjectives and glosses
// It never reads ../shared/data: that is evaluation data.
// Usage: node tools/encoder/build-corpus.mjs [outDir=.cache/encoder]
// Needs: apt-get install wordnet-base; apt-get -o Acquire::Languages=en update (for Translation-en).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const outDir = process.argv[2] ?? '.cache/encoder';
mkdirSync(outDir, { recursive: true });

// mulberry32: small, seedable; the corpus must be identical on every rebuild.
function rng(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(20261123);
const pick = (arr) => arr[Math.floor(random() * arr.length)];
const shuffle = (arr) => { for (let i = arr.length - 1; i > 0; i--) { const j = Math.floor(random() * (i + 1)); [arr[i], arr[j]] = [arr[j], arr[i]]; } return arr; };
const clip = (s, words) => s.split(/\s+/).slice(0, words).join(' ');

// ---- Debian descriptions ----
function debianDescriptions() {
  const lists = '/var/lib/apt/lists';
  const file = readdirSync(lists).find((f) => f.includes('bookworm_main_i18n_Translation-en'));
  if (!file) throw new Error('Translation-en missing: run apt-get -o Acquire::Languages=en update');
  const text = execFileSync('/usr/lib/apt/apt-helper', ['cat-file', join(lists, file)], { maxBuffer: 1 << 30 }).toString('utf8');
  const short = [], long = [];
  for (const block of text.split('\n\n')) {
    const m = block.match(/^Description-en: (.*)$/m);
    if (!m) continue;
    short.push(m[1].trim());
    const body = block.split('\n').filter((l) => l.startsWith(' ') && l.trim() !== '.').map((l) => l.trim()).join(' ');
    for (const sentence of body.split(/(?<=[.!?])\s+(?=[A-Z])/)) {
      const s = sentence.trim();
      if (s.length >= 25 && s.length <= 300 && !/[<>{}$\\]|https?:|\s\*\s/.test(s)) long.push(clip(s, 40));
    }
  }
  return { short, long };
}

// ---- WordNet ----
function readWordnet(pos) {
  const rows = [];
  for (const line of readFileSync(`/usr/share/wordnet/data.${pos}`, 'utf8').split('\n')) {
    if (!line || line.startsWith('  ')) continue;
    const [head, gloss] = line.split(' | ');
    const f = head.split(' ');
    const lexFile = Number(f[1]);
    const count = parseInt(f[3], 16);
    const words = [];
    for (let i = 0; i < count; i++) words.push(f[4 + 2 * i].replace(/_/g, ' ').replace(/\(.*\)$/, ''));
    rows.push({ lexFile, words, gloss: (gloss ?? '').split(';')[0].replace(/"/g, '').trim() });
  }
  return rows;
}
const nouns = readWordnet('noun');
const adjectives = readWordnet('adj');
// lexicographer files: 06 artifact, 13 food, 27 substance, 20 plant, 17 object, 05 animal
const productNouns = nouns.filter((n) => [6, 13].includes(n.lexFile) && n.words[0].length < 24);
const materials = nouns.filter((n) => n.lexFile === 27 && n.words[0].length < 14).map((n) => n.words[0]);
const adjWords = adjectives.map((a) => a.words[0]).filter((w) => w.length > 2 && w.length < 14 && !/\s/.test(w));
const colours = ['black', 'white', 'red', 'blue', 'navy blue', 'green', 'grey', 'silver', 'gold', 'rose gold', 'beige', 'brown', 'pink', 'purple', 'yellow', 'orange', 'multicolour', 'transparent', 'matte black', 'olive'];
const sizes = ['S', 'M', 'L', 'XL', 'XXL', 'small', 'medium', 'large', 'king size', 'queen size', 'compact', 'mini', 'travel size', 'family pack'];
const audiences = ['for men', 'for women', 'for kids', 'for home', 'for office', 'for kitchen', 'for travel', 'for outdoor use', 'for pets', 'for gaming', 'for school', 'for babies'];
const units = ['ml', 'L', 'g', 'kg', 'cm', 'mm', 'inch', 'W', 'mAh', 'GB', 'TB', 'pcs', 'm', 'oz', 'lb'];
const syllables = ['ka', 'zen', 'lo', 'vi', 'tro', 'nex', 'ar', 'mo', 'quo', 'sy', 'pra', 'del', 'fin', 'gra', 'ion', 'tek', 'bel', 'ora', 'lux', 'ven'];
const brand = () => { const s = pick(syllables) + pick(syllables) + (random() < 0.4 ? pick(syllables) : ''); return s[0].toUpperCase() + s.slice(1); };
const spec = () => {
  const r = random();
  if (r < 0.35) return `${pick([1, 2, 5, 10, 12, 16, 20, 24, 32, 50, 64, 100, 128, 250, 500, 750, 1000, 1500, 2000])} ${pick(units)}`;
  if (r < 0.5) return `Pack of ${pick([2, 3, 4, 5, 6, 10, 12, 24])}`;
  if (r < 0.65) return `${pick(colours)}`;
  if (r < 0.8) return `Size ${pick(sizes)}`;
  return pick(audiences);
};
function productTitle() {
  const n = pick(productNouns);
  const parts = [];
  if (random() < 0.6) parts.push(brand());
  if (random() < 0.5) parts.push(pick(adjWords));
  if (random() < 0.3) parts.push(pick(materials));
  parts.push(pick(n.words));
  let title = parts.join(' ');
  const extra = Math.floor(random() * 3);
  const specs = Array.from({ length: extra }, spec);
  if (specs.length) title += random() < 0.5 ? ` (${specs.join(', ')})` : `, ${specs.join(', ')}`;
  return title;
}
function productDescription() {
  const n = pick(productNouns);
  const name = pick(n.words);
  const templates = [
    () => `${cap(name)}: ${n.gloss}.`,
    () => `This ${pick(adjWords)} ${name} is ${n.gloss}, ideal ${pick(audiences)}.`,
    () => `${cap(pick(adjWords))} ${name} made of ${pick(materials)}; ${spec()}.`,
    () => `${brand()} ${name} - ${n.gloss}. ${cap(pick(colours))}, ${spec()}.`,
    () => `Premium quality ${name} ${pick(audiences)} with ${pick(materials)} finish and ${pick(adjWords)} design.`,
  ];
  return pick(templates)();
}
const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

const { short, long } = debianDescriptions();
const glosses = nouns.concat(adjectives).filter((r) => r.gloss.length > 10).map((r) => `${r.words[0]}: ${r.gloss}`);
const generatedTitles = Array.from({ length: 86_000 }, productTitle);
const generatedDescriptions = Array.from({ length: 30_000 }, productDescription);

const sources = {
  'debian-short': shuffle(short).slice(0, 40_000),
  'debian-long': shuffle(long).slice(0, 31_000),
  'wordnet-gloss': shuffle(glosses).slice(0, 25_000),
  'generated-title': generatedTitles,
  'generated-description': generatedDescriptions,
};
const seen = new Set();
const rows = [];
for (const [source, list] of Object.entries(sources)) {
  for (const text of list) {
    const t = text.replace(/\s+/g, ' ').trim();
    if (t.length < 3 || seen.has(t)) continue;
    seen.add(t);
    rows.push({ source, text: t });
  }
}
shuffle(rows);
// 2% held out: never trained on; used for the teacher/student agreement metrics.
const heldOut = Math.round(rows.length * 0.02);
const counts = {};
for (const r of rows) counts[r.source] = (counts[r.source] ?? 0) + 1;
writeFileSync(join(outDir, 'corpus.txt'), rows.map((r) => r.text).join('\n') + '\n');
writeFileSync(join(outDir, 'corpus-sources.txt'), rows.map((r) => r.source).join('\n') + '\n');
writeFileSync(join(outDir, 'corpus-stats.json'), JSON.stringify({ total: rows.length, heldOut, counts, meanChars: Math.round(rows.reduce((a, r) => a + r.text.length, 0) / rows.length) }, null, 2));
console.log(JSON.stringify({ total: rows.length, heldOut, counts }));
