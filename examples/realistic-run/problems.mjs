// Math word problems with a known answer and the arithmetic chain that solves them. Numbers come
// from the caller's random source, so a seed fixes every problem of the run.

const NAMES = ['Maya', 'Tom', 'Lena', 'Ravi', 'Ines', 'Kofi', 'Yuki', 'Omar', 'Sara', 'Piotr'];

/** One arithmetic step: `a op b = value`, with what it means in the problem's words. */
function step(what, a, op, b, unit) {
  const value = op === '×' ? a * b : op === '+' ? a + b : op === '−' ? a - b : a / b;
  return { what, a, op, b, value, unit };
}

const TEMPLATES = [
  (r) => {
    const [a, b, c, d] = [r.int(6, 24), r.int(8, 16), r.int(10, 60), r.int(5, 40)];
    const baked = step('number of muffins baked', a, '×', b, 'muffins');
    const noon = step('muffins left after the morning', baked.value, '−', c, 'muffins');
    const left = step('muffins left at the end of the day', noon.value, '−', d, 'muffins');
    return {
      question: `A bakery bakes ${a} trays of muffins with ${b} muffins on each tray. It sells ${c} muffins in the morning and ${d} muffins in the afternoon. How many muffins are left at the end of the day?`,
      facts: [`${a} trays`, `${b} muffins per tray`, `${c} sold in the morning`, `${d} sold in the afternoon`],
      steps: [baked, noon, left],
    };
  },
  (r) => {
    const who = r.pick(NAMES);
    const [a, b, c, d] = [r.int(12, 40), r.int(3, 9), r.int(15, 50), r.int(2, 8)];
    const first = step('pages read in the first part', a, '×', b, 'pages');
    const second = step('pages read in the second part', c, '×', d, 'pages');
    const read = step('pages read in total', first.value, '+', second.value, 'pages');
    const n = read.value + r.int(20, 240);
    const left = step('pages still to read', n, '−', read.value, 'pages');
    return {
      question: `${who} is reading a book with ${n} pages. ${who} reads ${a} pages a day for ${b} days, then ${c} pages a day for ${d} days. How many pages are still left to read?`,
      facts: [`the book has ${n} pages`, `${a} pages a day for ${b} days`, `${c} pages a day for ${d} days`],
      steps: [first, second, read, left],
    };
  },
  (r) => {
    const [a, b, c, d] = [r.int(40, 120), r.int(2, 6), r.int(30, 90), r.int(1, 5)];
    const d1 = step('distance of the first leg', a, '×', b, 'km');
    const d2 = step('distance of the second leg', c, '×', d, 'km');
    const total = step('total distance', d1.value, '+', d2.value, 'km');
    return {
      question: `A train travels at ${a} km/h for ${b} hours, then slows down to ${c} km/h for another ${d} hours. How many kilometres does it travel in total?`,
      facts: [`${a} km/h for ${b} hours`, `${c} km/h for ${d} hours`],
      steps: [d1, d2, total],
    };
  },
  (r) => {
    const who = r.pick(NAMES);
    const [a, b] = [r.int(15, 95), r.int(3, 12)];
    const cost = step('cost of the pencils in cents', a, '×', b, 'cents');
    const c = Math.ceil((cost.value + 1) / 100) + r.int(0, 3);
    const paid = step('amount paid in cents', c, '×', 100, 'cents');
    const change = step('change in cents', paid.value, '−', cost.value, 'cents');
    return {
      question: `Pencils cost ${a} cents each. ${who} buys ${b} pencils and pays with ${c} one-dollar coins. How much change, in cents, does ${who} get back?`,
      facts: [`${a} cents per pencil`, `${b} pencils`, `${c} dollars paid`],
      steps: [cost, paid, change],
    };
  },
  (r) => {
    const [a, b, c] = [r.int(4, 15), r.int(6, 20), r.int(3, 12)];
    const plants = step('number of tomato plants', a, '×', b, 'plants');
    const grown = step('tomatoes grown', plants.value, '×', c, 'tomatoes');
    const d = r.int(5, Math.max(6, Math.floor(grown.value / 4)));
    const good = step('good tomatoes', grown.value, '−', d, 'tomatoes');
    return {
      question: `A garden has ${a} rows with ${b} tomato plants in each row. Every plant gives ${c} tomatoes, but ${d} of the tomatoes are rotten. How many good tomatoes are there?`,
      facts: [`${a} rows`, `${b} plants per row`, `${c} tomatoes per plant`, `${d} rotten tomatoes`],
      steps: [plants, grown, good],
    };
  },
  (r) => {
    const who = r.pick(NAMES);
    const [a, b, d] = [r.int(5, 30), r.int(4, 12), r.int(2, 5)];
    const saved = step('money saved', a, '×', b, 'dollars');
    let gift = r.int(5, 60);
    gift += (d - ((saved.value + gift) % d)) % d; // so that the money shares out evenly
    const total = step('money in total after the gift', saved.value, '+', gift, 'dollars');
    const each = step('amount each friend gets', total.value, '÷', d, 'dollars');
    return {
      question: `${who} saves ${a} dollars a week for ${b} weeks, then gets a gift of ${total.b} dollars. ${who} shares all of the money equally among ${d} friends. How many dollars does each friend get?`,
      facts: [`${a} dollars a week`, `${b} weeks`, `a gift of ${total.b} dollars`, `${d} friends`],
      steps: [saved, total, each],
    };
  },
];

/** A problem: question text, the facts it gives, the arithmetic chain, and the answer. */
export function makeProblem(r) {
  const p = r.pick(TEMPLATES)(r);
  return { ...p, answer: p.steps[p.steps.length - 1].value, unit: p.steps[p.steps.length - 1].unit };
}
