// Where the G samples of a group come from. A sampled group shares its prompt, and sampled
// responses share prefixes until the sampler first picks differently; after that they never meet
// again. This source of choices reproduces that: samples draw the same values while they are on the
// same branch, and at a few points (one per internal node of a binary tree over the G samples) the
// branch splits and the two halves pick different options. G = 8 gives up to 7 branch points per group,
// the most a prefix tree over 8 sequences can have, at depths spread over the response.

/** 32-bit hash of a list of integers (a murmur3-style finaliser per word). */
export function mix(...xs) {
  let h = 0x9e3779b9;
  for (const x of xs) {
    h = Math.imul(h ^ (x | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A seeded stream of uniform numbers (no branching), for what a whole group shares. */
export class Stream {
  constructor(...seed) {
    this.seed = mix(...seed);
    this.k = 0;
  }
  next() {
    return mix(this.seed, this.k++) / 2 ** 32;
  }
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick(items) {
    return items[Math.floor(this.next() * items.length)];
  }
  chance(p) {
    return this.next() < p;
  }
}

/** The choices of sample `index` of a group of `size` samples (a power of two). */
export class Decisions {
  constructor(groupSeed, index, size) {
    this.seed = groupSeed;
    this.levels = Math.round(Math.log2(size));
    this.index = index;
    this.depth = 0; // splits passed so far
    this.k = 0; // choices made so far
    this.nextSplit = this.splitSlot();
  }

  /** The branch this sample is on: 1 followed by the bits of the splits passed. */
  get branch() {
    return (1 << this.depth) | (this.index >> (this.levels - this.depth));
  }

  splitSlot() {
    // Early splits come soon (the first tokens of a response already differ), later ones far apart.
    const span = [14, 40, 70][Math.min(this.depth, 2)];
    return this.k + 2 + (mix(this.seed, this.branch, 0x5b1) % span);
  }

  next() {
    return mix(this.seed, this.branch, this.k++) / 2 ** 32;
  }

  /** An index in [0, n): where a split is due, the two halves of the branch take different ones. */
  pick(n) {
    return this.split(Math.floor(this.next() * n), n);
  }

  pickOf(items) {
    return items[this.pick(items.length)];
  }

  /** An index drawn by weight (weights need not sum to 1); splits like `pick`. */
  weighted(weights) {
    const total = weights.reduce((a, b) => a + b, 0);
    return this.split(indexOf(weights, this.next() * total), weights.length);
  }

  split(base, n) {
    if (n < 2 || this.depth >= this.levels || this.k < this.nextSplit) return base;
    const bit = (this.index >> (this.levels - 1 - this.depth)) & 1;
    this.depth++;
    this.nextSplit = this.splitSlot();
    return (base + bit) % n;
  }

  chance(p) {
    return this.next() < p;
  }
}


function indexOf(weights, x) {
  for (let i = 0; i < weights.length; i++) {
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return weights.length - 1;
}
