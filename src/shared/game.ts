// A Vision-Zero game ("Who is the spy?" self-play on image pairs) as the group view shows it: the
// players and their images, the clues per round and the G decisions' votes. Built by the engine from
// what rollout_lens_logger.vision_zero writes (docs/formats.md#vision-zero). No runtime dependencies:
// webviews import this file.

export type PlayerRole = 'spy' | 'civilian';

export interface GamePlayer {
  /** 1-based, as Vision-Zero numbers players. */
  player: number;
  role: PlayerRole;
  /** The player's image as an index into GroupMedia.images (from its clue turns); null when none was found. */
  image: number | null;
}

export interface GameClue {
  player: number;
  /** The clue as the player gave it (untrusted model text). */
  text: string;
}

export interface GameVote {
  /** The decision sample's index in the group. */
  index: number;
  /** The player it voted for; null for N/A or no readable vote. */
  vote: number | null;
}

export interface GameVoteBar {
  /** The player voted for; null for N/A (and no readable vote). */
  vote: number | null;
  count: number;
  /** The vote names the true spy. */
  spy: boolean;
}

/** GroupViewData.game: one game, from the samples' meta.vision_zero and their clue turns. */
export interface GroupGame {
  game_id: string;
  /** The spy's player number. */
  spy: number;
  players: GamePlayer[];
  /** The original image the decisions saw (the samples' own first image), index into GroupMedia.images. */
  original_image: number | null;
  /** Clues round by round (ascending), each round's clues in player order. */
  rounds: Array<{ round: number; clues: GameClue[] }>;
  /** One per sample with meta.vision_zero, in the group's sample order. */
  votes: GameVote[];
  /** One bar per player (1..N, plus any other player voted for), then N/A. */
  histogram: GameVoteBar[];
  /** What in the logged game could not be read (the rest is still shown). */
  warnings: string[];
}
