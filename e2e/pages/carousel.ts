import type { Locator } from '@playwright/test';
import type { Surface } from '../../src/shared/protocol';

/** One carousel (`data-surface` region) and its cards. */
export class Carousel {
  readonly region: Locator;
  readonly cards: Locator;

  constructor(scope: Locator | { locator: Locator['locator'] }, readonly surface: Surface) {
    this.region = scope.locator(`[data-surface="${surface}"]`).and(scope.locator('[role="region"]'));
    this.cards = this.region.locator('[data-item-id]');
  }

  /** Item ids in display order. */
  async itemIds(): Promise<string[]> {
    return this.cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-item-id') ?? ''));
  }

  card(itemId: string): Locator {
    return this.region.locator(`[data-item-id="${itemId}"]`);
  }

  /** The link (with the product's title as its name) of the card at `index`. */
  cardLink(index: number): Locator {
    return this.cards.nth(index).getByRole('link');
  }

  /** The title text of the card at `index` (the tile's initials are decorative, not part of it). */
  async cardTitle(index: number): Promise<string> {
    return (await this.cards.nth(index).locator('.card__title').innerText()).trim();
  }

  reasons(): Locator {
    return this.region.locator('[data-reason]');
  }
}
