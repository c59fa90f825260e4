// Chain-of-thought text for one sample, written the way R1-Zero-style policies write it: restating
// the problem, working each arithmetic step, checking, sometimes slipping, and (more often as the
// run goes on) stopping to re-check with "wait", "recheck", "alternatively". Every choice comes
// from a `Decisions` source, so samples of a group share text until their branch splits.
// `knobs`: { reflect, slip, chars, loop, tool, forms } (probabilities, a length budget in characters,
// weights of the answer forms: \boxed{N}, \boxed{N \text{unit}}, \boxed{N.0}, no box).

const OP_WORDS = { '×': 'multiply', '+': 'add', '−': 'subtract', '÷': 'divide' };
const JS_OP = { '×': '*', '+': '+', '−': '-', '÷': '/' };

function apply(a, op, b) {
  return op === '×' ? a * b : op === '+' ? a + b : op === '−' ? a - b : Math.round(a / b);
}

const OPENERS = [
  () => 'Let me work through this step by step.',
  () => 'Okay, let me read the problem carefully first.',
  (p) => `We need to find the ${p.steps[p.steps.length - 1].what}.`,
  () => 'Alright, this is a multi-step arithmetic problem. Let me set it up.',
  () => 'First, I will collect the numbers the problem gives.',
];

const STEP_INTROS = [
  (s) => `First, the ${s.what}.`,
  (s) => `Next, I need the ${s.what}.`,
  (s) => `Now let's find the ${s.what}.`,
  (s) => `The next quantity is the ${s.what}.`,
  (s) => `Then we compute the ${s.what}.`,
];

const WHY = [
  (s) => `To get it, we ${OP_WORDS[s.op]} ${s.a} and ${s.b}.`,
  (s) => `This is a ${OP_WORDS[s.op]} step: ${s.a} ${s.op} ${s.b}.`,
  (s) => `The problem gives ${s.a} and ${s.b} for this, and the operation is to ${OP_WORDS[s.op]}.`,
];

function decompose(a, op, b) {
  if (op === '×' && b >= 10) {
    const tens = b - (b % 10);
    const ones = b % 10;
    return ones === 0
      ? `${a} × ${b} is ${a} × ${b / 10} × 10 = ${(a * b) / 10} × 10 = ${a * b}.`
      : `Split ${b} into ${tens} and ${ones}: ${a} × ${tens} = ${a * tens}, ${a} × ${ones} = ${a * ones}, and ${a * tens} + ${a * ones} = ${a * b}.`;
  }
  if (op === '×') return `${a} × ${b} means ${b} groups of ${a}, which is ${a * b}.`;
  if (op === '+') return `${a} + ${b}: adding the tens and then the ones gives ${a + b}.`;
  if (op === '−') return `${a} − ${b}: counting up from ${b} to ${a} takes ${a - b}.`;
  return `${a} ÷ ${b} = ${Math.round(a / b)}, because ${Math.round(a / b)} × ${b} = ${Math.round(a / b) * b}.`;
}

// Padding a long-thinking policy writes between steps; no reflection keywords on purpose, so the
// "aha" count only moves with the reflection knob. A step uses each at most once, then writes
// checks with fresh numbers (`check`): the same sentences over and over are what the degenerate-
// output detector calls a loop, and a healthy long answer is not one.
const FILLERS = [
  (s, v) => `So the ${s.what} is ${v} ${s.unit}.`,
  (s, v) => `Let me keep track of this: ${s.what} = ${v}.`,
  (s, v) => `That gives ${v} ${s.unit} for this part of the problem.`,
  (s, v, a, b) => `This step uses ${a} and ${b}, and the result, ${v}, will be used in what follows.`,
  (s, v, a, b) => decompose(a, s.op, b),
  (s, v) => `In words: the ${s.what} comes out to ${v}. The units are ${s.unit}, which matches what the question talks about.`,
  (s, v) => `A quick sense check of the size: ${v} ${s.unit} is a reasonable amount for this kind of situation.`,
  (s, v, a, b) => `Writing it as an equation: ${a} ${s.op} ${b} = ${v}. I will carry ${v} forward.`,
];

/**
 * The r-th check of a step's result with a drawn number, so checks rarely repeat. The draw is a
 * choice like any other: samples of a group part ways here too.
 */
function check(D, s, v, r) {
  const k = 2 + D.pick(97);
  return [
    `Double-check: ${v} − ${k} = ${v - k}, and adding ${k} back gives ${v}.`,
    `Another check: ${v} + ${k} = ${v + k}, so taking ${k} away leaves ${v} ${s.unit}.`,
    `As a cross-check, ${k} × ${v} = ${k * v}, and ${k * v} ÷ ${k} = ${v}.`,
  ][r % 3];
}

const IDLE_REFLECTIONS = [
  (p) => `Wait, let me re-read the question to be sure I have the right numbers: ${p.facts.join(', ')}. Yes, those are the numbers I am using.`,
  (p, s, v, a, b) => `Let me recheck this step another way. ${decompose(a, s.op, b)} Good, it agrees.`,
  (p, s, v) => `Hmm, wait. Is it right to ${OP_WORDS[s.op]} here? The question asks about the ${s.what}, so yes, ${v} is what we want.`,
  (p, s, v, a, b) => `Alternatively, I can estimate: ${a} ${s.op} ${b} should be roughly ${Math.round(apply(a, s.op, b) / 10) * 10}, and ${v} is close to that.`,
  (p, s, v) => `Wait, before going on, let me recheck the units. The ${s.what} is measured in ${s.unit}, so ${v} ${s.unit} is consistent.`,
];

/** Sentences joined by spaces; one that opens a paragraph starts with a blank line instead. */
function joined(parts) {
  return parts.join(' ').replace(/ \n/g, '\n');
}

/** A wrong result of `a op b` of the kind people (and models) make. */
function slip(D, a, op, b, v) {
  if (op === '×') return D.pickOf([v + a, v - a, v + 10, v - 10]);
  if (op === '÷') return v + 1;
  return D.pickOf([v + 10, v - 10, v + 1, v - 1]);
}

/** The sample's text (or its turns, for tool use) and whether it ran on without end. */
export function reason(p, D, knobs) {
  const turns = [];
  let out = [];
  let chars = 0;
  const say = (s) => {
    out.push(s);
    chars += s.length + 1;
  };
  const endTurn = (role, trained) => {
    turns.push({ role, content: joined(out) + (role === 'assistant' ? '\n' : ''), trained });
    out = [];
  };
  say(D.pickOf(OPENERS)(p));
  say(D.pickOf([`The problem says: ${p.facts.join('; ')}.`, `Given: ${p.facts.join(', ')}.`, `So we have ${p.facts.join(', and ')}.`]));
  if (D.chance(0.6)) say(`The plan: ${p.steps.map((s) => `find the ${s.what}`).join(', then ')}.`);
  const believed = [];
  const budget = (i) => (knobs.chars * (i + 1)) / p.steps.length;
  let looping = false;
  p.steps.forEach((s, i) => {
    // Operands that are earlier results use what the sample believes them to be.
    const use = (x) => {
      const j = p.steps.findIndex((t, k) => k < i && t.value === x);
      return j >= 0 ? believed[j] : x;
    };
    const [a, b] = [use(s.a), use(s.b)];
    const v = apply(a, s.op, b);
    say('\n\n' + D.pickOf(STEP_INTROS)(s));
    if (D.chance(0.7)) say(D.pickOf(WHY)({ ...s, a, b }));
    let got = v;
    if (knobs.tool) {
      say(`I'll use the calculator for ${a} ${s.op} ${b}.`);
      say(`<tool_call>{"name": "calculator", "arguments": {"expression": "${a} ${JS_OP[s.op]} ${b}"}}</tool_call>`);
      endTurn('assistant', true);
      say(`<tool_response>${v}</tool_response>`);
      endTurn('tool', false);
      say(`The calculator returns ${v}, so the ${s.what} is ${v} ${s.unit}.`);
    } else if (D.chance(knobs.slip)) {
      got = slip(D, a, s.op, b, v);
      say(`${a} ${s.op} ${b} = ${got}.`);
      if (D.chance(knobs.reflect)) {
        say(D.pickOf([
          `Wait, that doesn't look right. Let me recheck: ${decompose(a, s.op, b)} So it is ${v}, not ${got}.`,
          `Hmm, wait. Let me recheck ${a} ${s.op} ${b}. ${decompose(a, s.op, b)} I made an error before: the correct value is ${v}.`,
          `Let me try again more carefully. ${decompose(a, s.op, b)} So ${v}, not ${got}.`,
        ]));
        got = v;
      }
    } else {
      say(`${a} ${s.op} ${b} = ${v}.`);
    }
    believed.push(got);
    if (D.chance(knobs.reflect * 0.6)) say(D.pickOf(IDLE_REFLECTIONS)(p, s, got, a, b));
    const unused = [...FILLERS];
    for (let r = 0; chars < budget(i); r++) {
      say(unused.length ? unused.splice(D.pick(unused.length), 1)[0](s, got, a, b) : check(D, s, got, r));
    }
    if (!looping && D.chance(knobs.loop)) looping = true;
    // A policy that keeps second-guessing itself until the length limit cuts it off.
    while (looping && chars < 21000) {
      say(D.pickOf([
        `Wait, let me recheck the ${s.what} again. ${decompose(a, s.op, b)}`,
        `Hmm, but wait. Maybe I misread the question. ${p.facts.join(', ')}. Let me recheck everything from the start.`,
        `Alternatively, maybe the ${s.what} should be computed differently. Let me try again: ${a} ${s.op} ${b} = ${v}.`,
      ]));
    }
  });
  const answer = believed[believed.length - 1];
  const unit = p.unit;
  say('\n\n' + D.pickOf([
    `Putting it together: ${p.steps.map((s, i) => `${s.what} = ${believed[i]}`).join(', ')}.`,
    `So, step by step, the numbers are ${believed.join(', then ')}.`,
    `To summarize the chain: ${believed.join(' → ')}.`,
  ]));
  // How the final answer is written: mostly \boxed{N}; sometimes forms a strict string match
  // rejects although the number is right, or no box at all.
  const form = D.weighted(knobs.forms ?? [84, 6, 4, 6]);
  if (form === 0) say(`Therefore, the answer is \\boxed{${answer}}.`);
  else if (form === 1) say(`Therefore, the answer is \\boxed{${answer} \\text{ ${unit}}}.`);
  else if (form === 2) say(`Therefore, the answer is \\boxed{${answer}.0}.`);
  else say(`Therefore, the answer is ${answer} ${unit}.`);
  if (knobs.tool) {
    endTurn('assistant', true);
    return { turns, looping };
  }
  return { text: joined(out), looping };
}
