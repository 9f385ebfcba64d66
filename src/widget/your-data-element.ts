/**
 * `<shelfwise-your-data>`: the shopper's "Your data" panel for any page (what is stored, the
 * interests learned, export, erase, pause), in an open shadow root. The element itself is a
 * stub: the panel's code is fetched when one is first put on a page, so pages without it pay
 * nothing for it.
 */
import { warn, type SettlingView, type WidgetController } from './controller';
import type { YourDataPanel } from './your-data-panel';

export const YOUR_DATA_TAG = 'shelfwise-your-data';

export function defineYourDataElement(controller: WidgetController, registry: CustomElementRegistry = customElements): void {
  class ShelfwiseYourData extends HTMLElement implements SettlingView {
    private panel?: YourDataPanel;
    private loading?: Promise<YourDataPanel | undefined>;
    private cleanup: (() => void)[] = [];

    connectedCallback(): void {
      this.loading ??= import('./your-data-panel').then(
        ({ YourDataPanel }) => (this.panel = new YourDataPanel(this.shadowRoot ?? this.attachShadow({ mode: 'open' }), controller)),
        (err: unknown) => {
          warn('Could not load the Your data panel', err);
          return undefined;
        },
      );
      const refresh = () => void this.loading?.then((p) => p?.refresh());
      this.cleanup.push(controller.register(this), controller.onRevision(refresh));
      refresh();
    }

    disconnectedCallback(): void {
      for (const fn of this.cleanup.splice(0)) fn();
    }

    async settled(): Promise<void> {
      await (await this.loading)?.settled();
    }

    renderedRevision(): number {
      // A panel that failed to load has nothing to wait for.
      return this.panel ? this.panel.renderedRevision() : this.loading ? -1 : Infinity;
    }
  }

  if (!registry.get(YOUR_DATA_TAG)) registry.define(YOUR_DATA_TAG, ShelfwiseYourData);
}
