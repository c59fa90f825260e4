// English number words → digits, with the contract strip_string relies on (docs/rewards.md#strip-string
// step 11, Python word2number's `word_to_num`): if any number word occurs among the whitespace-
// separated words, the whole string becomes that number ("seven days" → "7"); otherwise, or when
// the words do not form a number, the string is returned unchanged. No npm package does this.

const SMALL: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const SCALES: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9 };
const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

function isNumberWord(w: string): boolean {
  return w in SMALL || w in SCALES || w === 'hundred' || w === 'point';
}

/** Value of words below a thousand ("two hundred five" → 205); null when malformed. */
function belowThousand(words: readonly string[]): number | null {
  if (words.length === 0) return null;
  let total = 0;
  let current = 0;
  for (const w of words) {
    if (w === 'hundred') {
      current = (current === 0 ? 1 : current) * 100;
      total += current;
      current = 0;
    } else {
      const v = SMALL[w];
      if (v === undefined) return null;
      current += v;
    }
  }
  return total + current;
}

/** Integer part: scale words must each appear at most once and in falling order. */
function integerPart(words: readonly string[]): number | null {
  let total = 0;
  let start = 0;
  let lastScale = Infinity;
  for (let i = 0; i < words.length; i++) {
    const scale = SCALES[words[i]!];
    if (scale === undefined) continue;
    if (scale >= lastScale) return null;
    const head = words.slice(start, i);
    const mult = head.length === 0 ? 1 : belowThousand(head);
    if (mult === null) return null;
    total += mult * scale;
    lastScale = scale;
    start = i + 1;
  }
  const tail = words.slice(start);
  if (tail.length > 0) {
    const v = belowThousand(tail);
    if (v === null) return null;
    total += v;
  }
  return total;
}

/** Python's str() of a float that came out of "… point …": always shows a fractional part. */
function pyFloatStr(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/**
 * Converts `text` as strip_string's `convert_word_number` does; returns it unchanged when no number
 * word is present or the words do not parse.
 */
export function convertWordNumber(text: string): string {
  const s = text.replace(/-/g, ' ').toLowerCase();
  // A plain digit string goes through int(): leading zeros disappear ("007" → "7").
  if (/^[0-9]+$/.test(s)) return s.replace(/^0+(?=[0-9])/, '');
  const words = s.trim().split(/\s+/).filter(isNumberWord);
  if (words.length === 0) return text;
  const point = words.indexOf('point');
  if (point >= 0 && words.indexOf('point', point + 1) >= 0) return text;
  const intWords = point >= 0 ? words.slice(0, point) : words;
  const decWords = point >= 0 ? words.slice(point + 1) : [];
  const whole = intWords.length === 0 ? 0 : integerPart(intWords);
  if (whole === null) return text;
  if (point < 0) return String(whole);
  let digits = '';
  for (const w of decWords) {
    const d = DIGIT_WORDS.indexOf(w);
    if (d < 0) return text;
    digits += String(d);
  }
  return pyFloatStr(whole + (digits ? Number(`0.${digits}`) : 0));
}
