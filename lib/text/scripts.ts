/**
 * Writing scripts of text, and how much of a text a text encoder can read. An encoder whose
 * vocabulary has no pieces of a script (the shipped one has no Chinese characters and 7 Arabic
 * letters among 8,000 pieces) maps words in that script to "unknown" or to single letters: their
 * vectors say nothing about those words, and similarities between such texts rest on the few Latin
 * words (brands, model numbers) they share. Callers use `scriptCoverage` to trust the vectors only as
 * far as the encoder can read the text.
 */

const SCRIPTS: Array<[string, RegExp]> = [
  ['Latin', /\p{Script=Latin}/u],
  ['Han', /\p{Script=Han}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Japanese', /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Thai', /\p{Script=Thai}/u],
];
const LETTER = /\p{L}/u;

/** The script of one letter ('Other' for scripts not listed above), undefined for a non-letter. */
export function scriptOfLetter(ch: string): string | undefined {
  if (!LETTER.test(ch)) return undefined;
  for (const [name, pattern] of SCRIPTS) if (pattern.test(ch)) return name;
  return 'Other';
}

/** Dominant script of a text: the script of most of its letters ('None' without letters). */
export function scriptOf(text: string): string {
  const counts = new Map<string, number>();
  for (const ch of text) {
    const script = scriptOfLetter(ch);
    if (script) counts.set(script, (counts.get(script) ?? 0) + 1);
  }
  let best = 'None';
  let most = 0;
  for (const [s, c] of counts) if (c > most) { best = s; most = c; }
  return best;
}

/** Vocabulary pieces a script needs before an encoder counts as reading it (a few stray letters do not). */
export const MIN_SCRIPT_PIECES = 100;

/** Scripts an encoder's vocabulary covers: those with at least MIN_SCRIPT_PIECES pieces. */
export function vocabularyScripts(pieces: Iterable<string>): string[] {
  const counts = new Map<string, number>();
  for (const piece of pieces) {
    const script = scriptOf(piece);
    if (script !== 'None') counts.set(script, (counts.get(script) ?? 0) + 1);
  }
  return [...counts].filter(([, c]) => c >= MIN_SCRIPT_PIECES).map(([s]) => s).sort();
}

/** Han and kana write a word in about two characters: a run of them counts as half its length in words. */
const CHARACTERS_PER_WORD: Record<string, number> = { Han: 2, Japanese: 2 };

/**
 * Share of a text's words written in `scripts` (0–1). Words are runs of letters in one script;
 * numbers and symbols are script-neutral and do not count; a text without letters is fully covered.
 */
export function scriptCoverage(text: string, scripts: ReadonlySet<string>): number {
  let covered = 0;
  let total = 0;
  let run = '';
  let length = 0;
  const close = (): void => {
    if (!run) return;
    const words = Math.ceil(length / (CHARACTERS_PER_WORD[run] ?? Infinity)) || 1;
    total += words;
    if (scripts.has(run)) covered += words;
    run = '';
    length = 0;
  };
  for (const ch of text) {
    const script = scriptOfLetter(ch);
    if (script !== run) close();
    if (script) { run = script; length++; }
  }
  close();
  return total ? covered / total : 1;
}

/**
 * Letters of the scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer,
 * Burmese): there a run of letters holds several words.
 */
export const UNSPACED_LETTERS = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}`;
const UNSPACED = new RegExp(`[${UNSPACED_LETTERS}]`, 'u');

/** Whether a text has letters of a script written without spaces between words. */
export const hasUnspacedScript = (text: string): boolean => UNSPACED.test(text);

let segmenter: Intl.Segmenter | undefined;

/**
 * The words of a text in a script written without spaces, by Unicode word segmentation
 * (Intl.Segmenter: ICU's dictionaries for Chinese, Japanese and Thai, in every current browser and
 * in Node). The root locale, so the split does not depend on the user's language settings; it can
 * differ slightly between ICU versions (a browser and Node), as any dictionary segmenter's does.
 * Where Intl.Segmenter is missing (Firefox before 125) the text stays one word, as a whitespace
 * tokeniser would leave it: `segmenterAvailable()` lets callers say so.
 */
export function segmentWords(text: string): string[] {
  if (!segmenterAvailable()) return [text];
  segmenter ??= new Intl.Segmenter('und', { granularity: 'word' });
  const out: string[] = [];
  for (const s of segmenter.segment(text)) if (s.isWordLike) out.push(s.segment);
  return out;
}

export const segmenterAvailable = (): boolean => typeof Intl !== 'undefined' && typeof Intl.Segmenter === 'function';

/** Full-width ASCII (U+FF01–FF5E) and the ideographic space, common in Chinese and Japanese text. */
const FULL_WIDTH = /[\uff01-\uff5e\u3000]/gu;
/** Arabic letters written several ways (hamza on or under alef, madda; alef maqsura; teh marbuta), tatweel and diacritics. */
const ARABIC_VARIANTS = /[\u0622\u0623\u0625\u0649\u0629\u0640\u064b-\u065f\u0670]/gu;
const ARABIC_FOLD: Record<string, string> = { '\u0622': '\u0627', '\u0623': '\u0627', '\u0625': '\u0627', '\u0649': '\u064a', '\u0629': '\u0647' };

/**
 * Folds the spellings of one word together before matching text: full-width letters and digits
 * to ASCII ("１２８ＧＢ" → "128GB"), and the usual Arabic normalisation (as Lucene's
 * ArabicNormalizer: أ إ آ → ا, ى → ي, ة → ه, no tatweel or diacritics). Other text is returned as is.
 */
export function foldSpellings(text: string): string {
  return text
    .replace(FULL_WIDTH, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)))
    .replace(ARABIC_VARIANTS, (c) => ARABIC_FOLD[c] ?? '');
}
