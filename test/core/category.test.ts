import { describe, expect, it } from 'vitest';
import { inferCategoriesFromNeighbours, categoryOf } from '../../src/core/category';

describe('categoryOf', () => {
  it.each([
    ['Spider-Man 3 - PlayStation 2', 'PlayStation 2'],
    ['ButterFox Thumb Grips 6 Pack for PS4 Controllers (PlayStation 4)', 'PlayStation 4'],
    ['Dead to Rights: Retribution - Playstation 3', 'PlayStation 3'],
    ['Hooshion Mini Cooler Cooling Fan for Microsoft Xbox 360 Slim', 'Xbox 360'],
    ["Assassin's Creed Syndicate - Gold Edition - Xbox One", 'Xbox One'],
    ['Trauma Center:  Under the Knife - Nintendo DS', 'Nintendo DS'],
    ['Driver: Renegade - Nintendo 3DS', 'Nintendo 3DS'],
    ['Sonic Lost World WiiU', 'Wii U'],
    ['Grim Adventures Of Billy & Mandy - Nintendo Wii', 'Wii'],
    ['Gamecube Wavebird Wireless Controller Grey, Silver, Compatible with Wii', 'GameCube'],
    ['GBA 6-Pak Care Case - Game Boy Advance', 'Game Boy Advance'],
    ['Sonic Drift 2 - Sega Game Gear', 'Sega'],
    ['Inspector Parker Unsolved JC - PC', 'PC'],
    ['Guild Wars 2 Heroic Edition [Download]', 'PC'],
    ['Pink Yarn Yoshi Amiibo (Yoshi\'s Woolly World Series)', 'Toys & Figures'],
    ['Super Puzzle Fighter II Turbo', 'Other'],
  ])('%s → %s', (title, category) => {
    expect(categoryOf(title)).toBe(category);
  });

  it('prefers the platform after the last " - "', () => {
    expect(categoryOf('Xbox 360 Collection - PC')).toBe('PC');
  });
});

describe('inferCategoriesFromNeighbours', () => {
  it('labels an unknown item by the clear majority of its known neighbours, and only then', () => {
    // k = 3. Item 0 (Other) is bought with two DS items and one Wii item (less weight);
    // item 1 (Other) has only one known neighbour; item 2 (Other) is split evenly.
    const cats = ['Other', 'Other', 'Other', 'Nintendo DS', 'Nintendo DS', 'Wii'];
    const index = Int32Array.from([3, 4, 5, 3, 0, -1, 3, 5, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1]);
    const weight = Float32Array.from([0.5, 0.4, 0.1, 0.9, 0.8, 0, 0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(inferCategoriesFromNeighbours(cats, index, weight, 3)).toEqual(['Nintendo DS', 'Other', 'Other', 'Nintendo DS', 'Nintendo DS', 'Wii']);
  });
});
