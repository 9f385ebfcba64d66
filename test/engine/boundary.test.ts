import type { Remote } from 'comlink';
import { describe, expectTypeOf, it } from 'vitest';
import type { EngineApi } from '../../workers/recommender.worker';
import type {
  EngineStatus, ExportedData, Interest, OutcomeSummary, RecommendationList, RecommendRequest, ShopperEventInput, Surface,
} from '../../src/shared/protocol';

// The page sees the engine only as Remote<EngineApi>: these checks fail to compile (npm run
// typecheck) if the worker API drifts from the wire types the page relies on.
describe('worker boundary types', () => {
  it('exposes the verbs the page calls, with wire types in and out', () => {
    type Api = Remote<EngineApi>;
    expectTypeOf<Api['recordEvent']>().parameter(0).toEqualTypeOf<ShopperEventInput>();
    expectTypeOf<Api['recordEvent']>().returns.resolves.toBeBoolean();
    expectTypeOf<Api['recommend']>().parameter(0).toEqualTypeOf<RecommendRequest>();
    expectTypeOf<Api['recommend']>().returns.resolves.toEqualTypeOf<RecommendationList>();
    expectTypeOf<Api['init']>().returns.resolves.toEqualTypeOf<EngineStatus>();
    expectTypeOf<Api['status']>().returns.resolves.toEqualTypeOf<EngineStatus>();
    expectTypeOf<Api['whenIdle']>().returns.resolves.toBeVoid();
    expectTypeOf<Api['eventCount']>().returns.resolves.toBeNumber();
  });

  it("exposes the shopper's data, interests and outcome counters with wire types", () => {
    type Api = Remote<EngineApi>;
    expectTypeOf<Api['exportData']>().returns.resolves.toEqualTypeOf<ExportedData>();
    expectTypeOf<Api['interests']>().returns.resolves.toEqualTypeOf<Interest[]>();
    expectTypeOf<Api['removeInterest']>().parameter(0).toBeString();
    expectTypeOf<Api['removeInterest']>().returns.resolves.toBeBoolean();
    expectTypeOf<Api['outcomes']>().returns.resolves.toEqualTypeOf<OutcomeSummary>();
    expectTypeOf<Api['noteImpressions']>().parameter(0).toEqualTypeOf<Surface>();
    expectTypeOf<Api['noteClick']>().parameter(0).toEqualTypeOf<Surface>();
    expectTypeOf<Api['noteClick']>().parameter(1).toBeNumber();
    expectTypeOf<Api['noteClick']>().parameter(2).toBeString();
  });
});
