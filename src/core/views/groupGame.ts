// The group view's Vision-Zero game: who the spy was, each player's image, the clues round by round
// and how the G decisions voted. Read from what rollout_lens_logger.vision_zero writes
// (docs/formats.md#vision-zero): meta.vision_zero on every decision, and the clue turns
// "Player P (spy|civilian), round R: text", each with that player's image. The image is taken from
// the turns rather than meta.vision_zero.players[].image because the turns' references were resolved
// and sized at ingest (the meta keeps the path as the trainer wrote it, often relative).
import type { GameClue, GamePlayer, GameVote, GameVoteBar, GroupGame, PlayerRole } from '../../shared/game';
import type { GroupMedia, ImageRef } from '../../shared/media';
import type { Turn } from '../../shared/rollout';
import { sourceKey } from './groupMedia';

export interface GameRow {
  idx: number;
  turns: string | null;
  images: string | null;
  meta: string | null;
}

/** The clue turn's content as the logger writes it (write_vision_zero_game). */
const CLUE = /^Player (\d+) \((spy|civilian)\), round (\d+): ([\s\S]*)$/;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPlayerNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

function visionZeroOf(row: GameRow): Json | null {
  if (!row.meta) return null;
  const meta = JSON.parse(row.meta) as unknown;
  return isObject(meta) && isObject(meta['vision_zero']) ? meta['vision_zero'] : null;
}

/** A logged vote: a player number, or null for "N/A" and for no readable vote (the logger's null); undefined when malformed. */
function readVote(v: unknown): number | null | undefined {
  if (v === null || v === 'N/A') return null;
  return isPlayerNumber(v) ? v : undefined;
}

export function groupGame(rows: readonly GameRow[], media: GroupMedia | null): GroupGame | null {
  const games = rows.map((row) => ({ row, vz: visionZeroOf(row) })).filter((g): g is { row: GameRow; vz: Json } => g.vz !== null);
  const first = games[0];
  if (!first) return null;
  const warnings: string[] = [];
  const at = new Map((media?.images ?? []).map((img, i) => [sourceKey(img.ref), i]));
  const indexOf = (ref: ImageRef | undefined): number | null => (ref ? (at.get(sourceKey(ref)) ?? null) : null);

  const spy = first.vz['spy'];
  if (!isPlayerNumber(spy)) warnings.push(`sample #${first.row.idx}: meta.vision_zero.spy is not a player number: ${JSON.stringify(spy)}`);

  // The clues and each player's image, from the first decision's turns (every decision of a game carries the same clue turns).
  const turns = first.row.turns ? (JSON.parse(first.row.turns) as Turn[]) : [];
  const imageOf = new Map<number, number | null>();
  const roleOf = new Map<number, PlayerRole>();
  const byRound = new Map<number, GameClue[]>();
  for (const turn of turns) {
    const m = turn.role === 'environment' ? CLUE.exec(turn.content) : null;
    if (!m) continue;
    const player = Number(m[1]);
    const round = Number(m[3]);
    if (!imageOf.has(player) || imageOf.get(player) === null) imageOf.set(player, indexOf(turn.images?.[0]));
    roleOf.set(player, m[2] as PlayerRole);
    byRound.set(round, [...(byRound.get(round) ?? []), { player, text: m[4]! }]);
  }
  const rounds = [...byRound.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([round, clues]) => ({ round, clues: clues.sort((a, b) => a.player - b.player) }));

  const players: GamePlayer[] = [];
  const listed = first.vz['players'];
  if (Array.isArray(listed)) {
    for (const p of listed) {
      if (!isObject(p) || !isPlayerNumber(p['player'])) {
        warnings.push(`sample #${first.row.idx}: meta.vision_zero.players has an entry without a player number: ${JSON.stringify(p)}`);
        continue;
      }
      const player = p['player'];
      const role: PlayerRole = player === spy ? 'spy' : 'civilian';
      players.push({ player, role, image: imageOf.get(player) ?? null });
    }
  } else {
    warnings.push(`sample #${first.row.idx}: meta.vision_zero.players is not a list; the players are taken from the clue turns`);
    for (const player of [...roleOf.keys()].sort((a, b) => a - b))
      players.push({ player, role: player === spy ? 'spy' : 'civilian', image: imageOf.get(player) ?? null });
  }
  for (const p of players)
    if (roleOf.has(p.player) && roleOf.get(p.player) !== p.role)
      warnings.push(`player ${p.player}'s clue turns call it ${roleOf.get(p.player)}, but meta.vision_zero.spy is ${JSON.stringify(spy)}`);

  const votes: GameVote[] = [];
  for (const { row, vz } of games) {
    const vote = readVote(vz['vote']);
    if (vote === undefined) {
      warnings.push(`sample #${row.idx}: meta.vision_zero.vote is not a player number, "N/A" or null: ${JSON.stringify(vz['vote'])}`);
      continue;
    }
    votes.push({ index: row.idx, vote });
  }
  const spyNumber = isPlayerNumber(spy) ? spy : 0;
  return {
    game_id: typeof first.vz['game_id'] === 'string' ? first.vz['game_id'] : String(first.vz['game_id'] ?? ''),
    spy: spyNumber,
    players,
    original_image: indexOf((first.row.images ? (JSON.parse(first.row.images) as ImageRef[]) : [])[0]),
    rounds,
    votes,
    histogram: histogram(votes, players, spyNumber),
    warnings,
  };
}

/** A bar per player, per other number voted for (a vote for a player who is not in the game is still counted), then N/A. */
function histogram(votes: readonly GameVote[], players: readonly GamePlayer[], spy: number): GameVoteBar[] {
  const numbers = new Set(players.map((p) => p.player));
  for (const v of votes) if (v.vote !== null) numbers.add(v.vote);
  const bars: GameVoteBar[] = [...numbers]
    .sort((a, b) => a - b)
    .map((n) => ({ vote: n, count: votes.filter((v) => v.vote === n).length, spy: n === spy }));
  bars.push({ vote: null, count: votes.filter((v) => v.vote === null).length, spy: false });
  return bars;
}
