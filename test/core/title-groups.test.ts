import { describe, expect, it } from 'vitest';
import { groupsByTitle, productNameOf } from '../../src/core/title-groups';

describe('productNameOf', () => {
  it('takes platform, edition, packaging and colour suffixes off, repeatedly', () => {
    expect(productNameOf('Call of Duty: Ghosts - Xbox 360')).toBe('call of duty: ghosts');
    expect(productNameOf('Call of Duty: Ghosts (Xbox One)')).toBe('call of duty: ghosts');
    expect(productNameOf('The Sims 3 [Download]')).toBe('the sims 3');
    expect(productNameOf('Razer DeathAdder - Gaming Mouse - Black')).toBe('razer deathadder - gaming mouse');
    expect(productNameOf('Batman: Arkham Knight - Windows Standard Edition')).toBe('batman: arkham knight');
  });

  it('keeps a suffix that names something else than an edition', () => {
    expect(productNameOf('Halo - Combat Evolved')).toBe('halo - combat evolved');
    expect(productNameOf('Zelda (Majora)')).toBe('zelda (majora)');
    // Never reduced to nothing.
    expect(productNameOf('PC')).toBe('pc');
  });
});

describe('groupsByTitle', () => {
  it('gives editions of one product the id of the first, and a lone item no group', () => {
    const items = [
      { id: 'a', title: 'Doom - PC' },
      { id: 'b', title: 'Fallout 3' },
      { id: 'c', title: 'DOOM [Online Game Code]' },
      { id: 'd', title: 'Doom' },
    ];
    expect(groupsByTitle(items)).toEqual(['a', undefined, 'a', 'a']);
  });
});
