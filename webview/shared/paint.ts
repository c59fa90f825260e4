// The end of every render and every host error, the same in each view: the app stops being
// aria-busy (screen readers announce the content), and the first rendered snapshot marks the next
// frame `rl:painted` / body[data-painted] (what the first-paint benchmark and the tests wait for).
import { clear, message } from './dom';

export class ViewPaint {
  private painted = false;

  constructor(private readonly app: HTMLElement) {}

  /** True once a snapshot has been rendered. */
  get hasPainted(): boolean {
    return this.painted;
  }

  /** Call after a snapshot is on screen. */
  rendered(): void {
    this.app.setAttribute('aria-busy', 'false');
    performance.mark('rl:rendered');
    if (this.painted) return;
    this.painted = true;
    requestAnimationFrame(() => {
      performance.mark('rl:painted');
      document.body.dataset['painted'] = 'true';
    });
  }

  /** The host could not load the view's data: its message replaces the container's content. */
  error(container: HTMLElement, text: string): void {
    clear(container);
    container.append(message(text, 'error'));
    this.app.setAttribute('aria-busy', 'false');
  }
}
