// The approximate pre-tokenizer: used when neither token ids nor a tokenizer.json are available.
// Its trees are labelled "approximate P2T" everywhere (docs/algorithms.md#approximate-p2t): values differ from training.

/**
 * One token per word (letters, digits, marks, underscore), per run of whitespace, and per other
 * character (punctuation, symbols). Concatenating the pieces gives the input back, so character
 * offsets survive for highlighting.
 */
const PIECE = /[\p{L}\p{N}\p{M}_]+|\s+|[^\p{L}\p{N}\p{M}_\s]/gsu;

export function approximatePieces(text: string): string[] {
  return text.match(PIECE) ?? [];
}

/**
 * Ids for approximate pieces. One vocabulary per group, so equal strings in different responses
 * get equal ids and the prefix tree can share their nodes; ids mean nothing outside the group.
 */
export class ApproximateVocabulary {
  private readonly ids = new Map<string, number>();

  idOf(piece: string): number {
    let id = this.ids.get(piece);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(piece, id);
    }
    return id;
  }

  get size(): number {
    return this.ids.size;
  }
}
