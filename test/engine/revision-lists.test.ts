import { describe, expect, it } from 'vitest';
import { RevisionLists } from '../../src/engine/revision-lists';
import type { RecommendationList, RecommendRequest } from '../../src/shared/protocol';

function counting() {
  const computed: string[] = [];
  let fail = false;
  const lists = new RevisionLists(async (req: RecommendRequest) => {
    computed.push(`${req.surface}${req.k ?? ''}`);
    if (fail) throw new Error('no catalogue');
    return { surface: req.surface, items: [], personal: false } satisfies RecommendationList;
  });
  return { lists, computed, failNext: (f: boolean) => (fail = f) };
}

describe('the lists of one revision', () => {
  it('computes each list once per revision, and again at the next', async () => {
    const { lists, computed } = counting();
    const a = lists.get(1, { surface: 'for-you', k: 12 });
    expect(lists.get(1, { surface: 'for-you', k: 12 })).toBe(a);
    await lists.get(1, { surface: 'for-you', k: 10 });
    await lists.get(2, { surface: 'for-you', k: 12 });
    expect(computed).toEqual(['for-you12', 'for-you10', 'for-you12']);
  });

  it('a new revision computes what the page asked for at the previous one, For you first, and the page finds it', async () => {
    const { lists, computed } = counting();
    await Promise.all([lists.get(1, { surface: 'trending', k: 12 }), lists.get(1, { surface: 'interest', k: 12 }), lists.get(1, { surface: 'for-you', k: 12 })]);
    computed.length = 0;
    const prepared = lists.prepare(2);
    const forYou = lists.get(2, { surface: 'for-you', k: 12 });
    await prepared;
    await forYou;
    expect(computed).toEqual(['for-you12', 'interest12', 'trending12']);
    // Nothing was asked at revision 2 after all but For you: revision 3 prepares only that.
    computed.length = 0;
    await lists.prepare(3);
    expect(computed).toEqual(['for-you12']);
  });

  it('a list that failed is computed again when asked again', async () => {
    const { lists, computed, failNext } = counting();
    failNext(true);
    await expect(lists.get(1, { surface: 'for-you' })).rejects.toThrow('no catalogue');
    failNext(false);
    await expect(lists.get(1, { surface: 'for-you' })).resolves.toMatchObject({ surface: 'for-you' });
    expect(computed).toEqual(['for-you', 'for-you']);
  });
});
