// A Vision-Zero game ("Who is the spy?", docs/webviews.md#vision-zero-games): the players' images
// side by side with the spy's marked, the clues round by round, and how the group's decisions voted.
// Clicking a vote's bar shows only the decisions that cast it in the sample list (again: all).
// Images are asked for once the section is on screen, each distinct image once (the civilians
// usually share one), and drawn like the image section's (imageCanvas.ts). Clues are model text:
// set as text, never as markup.
import './game.css';
import type { GamePlayer, GameVoteBar, GroupGame } from '../../src/shared/game';
import type { ImageLoad } from '../../src/shared/media';
import type { GroupSnapshot } from '../../src/shared/protocol/webviews/group';
import { counted } from '../../src/shared/text';
import { clear, el, message } from '../shared/dom';
import { drawGroupImage } from './imageCanvas';

export interface GameCallbacks {
  load(image: number): Promise<ImageLoad>;
  /** Show only these samples in the list (null: all of them). */
  showOnly(indices: ReadonlySet<number> | null): void;
}

/** The tallest bar, in CSS pixels: the vote most decisions cast. */
export const VOTE_BAR_PX = 60;

function voteLabel(vote: number | null): string {
  return vote === null ? 'N/A' : `Player ${vote}`;
}

export class GameSection {
  readonly root: HTMLDetailsElement;
  private readonly summary: HTMLElement;
  private readonly body: HTMLElement;
  private readonly visible: IntersectionObserver;
  private figures: PlayerFigure[] = [];
  private loads = new Map<number, Promise<ImageLoad>>();
  private game: GroupGame | null = null;
  /** The bar whose voters the list shows; undefined: none chosen. */
  private chosen: number | null | undefined = undefined;
  private bars: HTMLButtonElement[] = [];
  private readonly status: HTMLElement;

  constructor(private readonly cb: GameCallbacks) {
    this.summary = el('summary', { text: 'Game' });
    this.body = el('div', { cls: 'game-body' });
    this.status = el('div', { cls: 'muted vote-status', attrs: { 'aria-live': 'polite' } });
    this.root = el('details', { cls: 'game-section', attrs: { open: true, hidden: true } }, [this.summary, this.body]);
    this.visible = new IntersectionObserver((entries) => {
      for (const e of entries) if (e.isIntersecting) this.figures.find((f) => f.root === e.target)?.load();
    });
  }

  setSnapshot(snap: GroupSnapshot): void {
    this.visible.disconnect();
    this.figures.forEach((f) => f.discard());
    this.figures = [];
    this.loads = new Map();
    this.chosen = undefined;
    clear(this.body);
    this.game = snap.game;
    this.root.hidden = snap.game === null;
    const game = snap.game;
    if (!game) return;
    this.summary.textContent = `Game ${game.game_id} · the spy is player ${game.spy}`;
    for (const w of game.warnings) this.body.append(el('div', { cls: 'warning', text: w, attrs: { role: 'note' } }));
    const load = (image: number): Promise<ImageLoad> => {
      let p = this.loads.get(image);
      if (!p) this.loads.set(image, (p = this.cb.load(image)));
      return p;
    };
    const label = (image: number | null): string => (image === null ? '' : (snap.media?.images[image]?.label ?? ''));
    this.figures = game.players.map((p) => new PlayerFigure(p, label(p.image), load));
    // The original is shown too when no player has it (usually the civilians' image is the original).
    const original = game.original_image;
    if (original !== null && !game.players.some((p) => p.image === original))
      this.figures.push(new PlayerFigure(null, label(original), load, original));
    this.body.append(
      el(
        'div',
        { cls: 'game-players' },
        this.figures.map((f) => f.root),
      ),
      this.clueTable(game),
      this.histogram(game),
    );
    for (const f of this.figures) this.visible.observe(f.root);
  }

  private clueTable(game: GroupGame): HTMLElement {
    if (game.rounds.length === 0) return message('No clue turns were logged for this game.');
    const players = game.players.map((p) => p.player);
    const head = el('tr', {}, [
      el('th', { text: 'Round' }),
      ...game.players.map((p) =>
        el('th', { cls: p.role === 'spy' ? 'spy' : '', attrs: { 'data-player': p.player } }, [
          `Player ${p.player}`,
          p.role === 'spy' ? el('span', { cls: 'spy-badge', text: 'spy' }) : null,
        ]),
      ),
    ]);
    const rows = game.rounds.map((r) =>
      el('tr', { attrs: { 'data-round': r.round } }, [
        el('th', { cls: 'num', text: String(r.round) }),
        ...players.map((n) => {
          const texts = r.clues.filter((c) => c.player === n).map((c) => c.text);
          return el('td', { cls: n === game.spy ? 'spy' : '', text: texts.join('\n'), attrs: { 'data-player': n } });
        }),
      ]),
    );
    return el('table', { cls: 'game-clues', attrs: { 'aria-label': 'Clues per round' } }, [el('thead', {}, [head]), el('tbody', {}, rows)]);
  }

  private histogram(game: GroupGame): HTMLElement {
    const max = Math.max(1, ...game.histogram.map((b) => b.count));
    this.bars = game.histogram.map((b) => this.bar(b, max));
    this.status.textContent = `${counted(game.votes.length, 'decision')}; click a bar to list only the decisions that cast that vote`;
    return el('div', { cls: 'game-votes' }, [
      el('div', { cls: 'vote-title', text: 'Decision votes' }),
      el('div', { cls: 'vote-histogram', attrs: { role: 'group', 'aria-label': 'Decision votes per player' } }, this.bars),
      this.status,
    ]);
  }

  private bar(b: GameVoteBar, max: number): HTMLButtonElement {
    const fill = el('div', { cls: 'vote-fill' });
    fill.style.setProperty('height', `${Math.round((b.count / max) * VOTE_BAR_PX)}px`);
    const node = el(
      'button',
      {
        cls: b.spy ? ['vote-bar', 'spy'] : 'vote-bar',
        title: `${counted(b.count, 'decision')} voted ${b.vote === null ? 'N/A (or no readable vote)' : `for player ${b.vote}`}${b.spy ? ' (the spy)' : ''}`,
        attrs: { type: 'button', 'data-vote': b.vote === null ? 'N/A' : b.vote, 'aria-pressed': 'false', disabled: b.count === 0 },
      },
      [
        el('span', { cls: 'vote-count', text: String(b.count) }),
        el('div', { cls: 'vote-track' }, [fill]),
        el('span', { cls: 'vote-label', text: b.vote === null ? 'N/A' : `P${b.vote}` }),
        b.spy ? el('span', { cls: 'spy-badge', text: 'spy' }) : null,
      ],
    );
    node.addEventListener('click', () => this.choose(this.chosen === b.vote ? undefined : b.vote));
    return node;
  }

  private choose(vote: number | null | undefined): void {
    const game = this.game;
    if (!game) return;
    this.chosen = vote;
    this.bars.forEach((n, i) => n.setAttribute('aria-pressed', String(game.histogram[i]?.vote === vote)));
    if (vote === undefined) {
      this.status.textContent = `${counted(game.votes.length, 'decision')}; click a bar to list only the decisions that cast that vote`;
      this.cb.showOnly(null);
      return;
    }
    const voters = game.votes.filter((v) => v.vote === vote).map((v) => v.index);
    this.status.textContent = `Listing the ${counted(voters.length, 'decision')} that voted ${voteLabel(vote)}; click the bar again to list all`;
    this.cb.showOnly(new Set(voters));
  }
}

type FigureState = 'idle' | 'loading' | 'loaded' | 'failed';

/** A player's image (or, with player null, the original the decisions saw), loaded when first on screen. */
class PlayerFigure {
  readonly root: HTMLElement;
  private readonly frame: HTMLElement;
  private state: FigureState = 'idle';
  private discarded = false;
  private readonly image: number | null;

  constructor(
    player: GamePlayer | null,
    label: string,
    private readonly loadImage: (image: number) => Promise<ImageLoad>,
    image?: number,
  ) {
    this.image = player ? player.image : (image ?? null);
    const spy = player?.role === 'spy';
    this.frame = el('div', { cls: 'game-frame' });
    const caption = player
      ? el('figcaption', { title: label }, [`Player ${player.player}`, spy ? el('span', { cls: 'spy-badge', text: 'spy' }) : null])
      : el('figcaption', { title: label, text: 'Original (what the decisions saw)' });
    this.root = el(
      'figure',
      {
        cls: player ? ['game-player', spy ? 'spy' : ''] : 'game-original',
        attrs: { ...(player ? { 'data-player': player.player, 'data-role': player.role } : {}), 'data-image': this.image ?? 'none' },
      },
      [this.frame, caption],
    );
    if (this.image === null) this.fail('no image found in this player’s clue turns');
    else this.setState('idle');
  }

  discard(): void {
    this.discarded = true;
  }

  load(): void {
    const image = this.image;
    if (this.state !== 'idle' || image === null) return;
    this.setState('loading');
    this.frame.append(message('Loading image…'));
    void drawGroupImage(
      () => this.loadImage(image),
      () => this.discarded,
      'game-image',
    ).then((got) => {
      if (!got) return;
      if (!got.ok) return this.fail(got.message);
      clear(this.frame);
      this.frame.append(got.canvas);
      this.setState('loaded');
    });
  }

  private fail(text: string): void {
    this.setState('failed');
    clear(this.frame);
    this.frame.append(el('div', { cls: 'image-placeholder', text, attrs: { role: 'note' } }));
  }

  private setState(state: FigureState): void {
    this.state = state;
    this.root.dataset['state'] = state;
  }
}
