import { describe, expect, it } from 'vitest';
import { CMP_SILENT_MS, ConsentController, DEFAULT_TCF_RULES, tcfDecision, type ConsentHost, type TcData, type TcfApi } from '../../src/client/consent';

/** TC data as a TCF v2.2 CMP hands it to an `addEventListener` callback. */
function tc(status: string, purposes: number[], extra: Partial<TcData> = {}): TcData {
  return {
    gdprApplies: true, eventStatus: status, cmpStatus: 'loaded', listenerId: 1,
    purpose: { consents: Object.fromEntries(purposes.map((p) => [p, true])) }, vendor: { consents: {} },
    ...extra,
  };
}

/** A stub CMP: `emit` calls every listener as the CMP would on a change. */
function stubCmp() {
  const listeners: ((t: TcData | null, ok: boolean) => void)[] = [];
  const api: TcfApi = (command, version, callback) => {
    expect(version).toBe(2);
    if (command === 'addEventListener') listeners.push(callback);
  };
  return { api, emit: (t: TcData | null, ok = true) => listeners.forEach((l) => l(t, ok)), listeners };
}

function host(api?: TcfApi) {
  const logs: string[] = [];
  const timers: (() => void)[] = [];
  const h: ConsentHost = { tcfapi: () => api, setTimeout: (fn) => timers.push(fn), log: (m) => logs.push(m) };
  return { h, logs, fire: () => timers.splice(0).forEach((f) => f()) };
}

describe('tcfDecision (TCF v2.2 TC data → may Shelfwise store?)', () => {
  it('needs purposes 1, 5 and 6 on tcloaded or useractioncomplete', () => {
    expect(tcfDecision(tc('tcloaded', [1, 5, 6]))?.granted).toBe(true);
    expect(tcfDecision(tc('useractioncomplete', [1, 5, 6, 7]))?.granted).toBe(true);
    expect(tcfDecision(tc('useractioncomplete', [1, 5]))).toEqual({ granted: false, detail: 'TCF purpose 6 not consented' });
    expect(tcfDecision(tc('tcloaded', [5, 6]))?.detail).toBe('TCF purpose 1 not consented');
    expect(tcfDecision(tc('tcloaded', [])))?.toMatchObject({ granted: false });
  });

  it('decides nothing while the CMP shows its UI', () => {
    expect(tcfDecision(tc('cmpuishown', [1, 5, 6]))).toBeUndefined();
  });

  it('gdprApplies false: no consent needed, whatever the purposes', () => {
    expect(tcfDecision({ gdprApplies: false, cmpStatus: 'loaded' })).toMatchObject({ granted: true });
  });

  it('purposeOneTreatment: purpose 1 is not asked for, so it is not required', () => {
    expect(tcfDecision(tc('tcloaded', [5, 6], { purposeOneTreatment: true }))?.granted).toBe(true);
  });

  it('publisher scope reads the publisher purposes segment', () => {
    const rules = { ...DEFAULT_TCF_RULES, scope: 'publisher' as const };
    expect(tcfDecision(tc('tcloaded', [1, 5, 6]), rules)?.granted).toBe(false);
    expect(tcfDecision(tc('tcloaded', [], { publisher: { consents: { 1: true, 5: true, 6: true } } }), rules)?.granted).toBe(true);
  });

  it('vendor rules: the vendor must have consent and no publisher restriction of type 0', () => {
    const rules = { ...DEFAULT_TCF_RULES, vendors: [1234] };
    expect(tcfDecision(tc('tcloaded', [1, 5, 6]), rules)).toEqual({ granted: false, detail: 'TCF vendor 1234 not consented' });
    const ok = tc('tcloaded', [1, 5, 6], { vendor: { consents: { 1234: true } } });
    expect(tcfDecision(ok, rules)?.granted).toBe(true);
    const barred = { ...ok, publisher: { restrictions: { 5: { 1234: 0 } } } };
    expect(tcfDecision(barred, rules)).toEqual({ granted: false, detail: 'the publisher does not allow TCF purpose 5 for vendor 1234' });
  });
});

describe('ConsentController', () => {
  it('without consent mode: storage allowed, banner and CMP ignored', () => {
    const cmp = stubCmp();
    const { h } = host(cmp.api);
    const c = new ConsentController(false, h);
    expect(c.get().state).toBe('not-required');
    expect(c.listenToCmp()).toBe(false);
    c.consent(false);
    expect(c.allowsStorage()).toBe(true);
    expect(cmp.listeners).toHaveLength(0);
  });

  it('banner: waiting → granted → withdrawn (denied), each change heard once', () => {
    const { h } = host();
    const c = new ConsentController(true, h);
    const heard: string[] = [];
    c.subscribe((s) => heard.push(s.state));
    expect(c.get().state).toBe('waiting');
    expect(c.allowsStorage()).toBe(false);
    expect(c.listenToCmp()).toBe(false); // no __tcfapi on the page
    c.consent(true);
    c.consent(true);
    expect(c.allowsStorage()).toBe(true);
    c.consent(false);
    expect(heard).toEqual(['granted', 'denied']);
    expect(c.get()).toMatchObject({ state: 'denied', source: 'api' });
  });

  it('TCF: granted on tcloaded, withdrawn by a later useractioncomplete', () => {
    const cmp = stubCmp();
    const { h } = host(cmp.api);
    const c = new ConsentController(true, h);
    expect(c.listenToCmp()).toBe(true);
    expect(c.listenToCmp()).toBe(true); // listening once
    expect(cmp.listeners).toHaveLength(1);
    cmp.emit(tc('tcloaded', [1, 5, 6]));
    expect(c.get()).toMatchObject({ state: 'granted', source: 'tcf' });
    cmp.emit(tc('cmpuishown', [1, 5, 6]));
    expect(c.get().state).toBe('granted');
    cmp.emit(tc('useractioncomplete', [1]));
    expect(c.get()).toMatchObject({ state: 'denied', detail: 'TCF purposes 5, 6 not consented' });
  });

  it('TCF: the UI shown first, consent given later', () => {
    const cmp = stubCmp();
    const { h } = host(cmp.api);
    const c = new ConsentController(true, h);
    c.listenToCmp();
    cmp.emit(tc('cmpuishown', []));
    expect(c.get().state).toBe('waiting');
    cmp.emit(tc('useractioncomplete', [1, 5, 6]));
    expect(c.get().state).toBe('granted');
  });

  it('TCF: gdprApplies false grants at once', () => {
    const cmp = stubCmp();
    const c = new ConsentController(true, host(cmp.api).h);
    c.listenToCmp();
    cmp.emit({ gdprApplies: false, cmpStatus: 'loaded', eventStatus: 'tcloaded' });
    expect(c.allowsStorage()).toBe(true);
  });

  it('a CMP that never answers: no consent, and the console says so after a while', () => {
    const cmp = stubCmp();
    const { h, logs, fire } = host(cmp.api);
    const c = new ConsentController(true, h);
    c.listenToCmp();
    fire();
    expect(c.get().state).toBe('waiting');
    expect(logs).toEqual([`the CMP (__tcfapi) has not answered in ${CMP_SILENT_MS / 1000} s; nothing is stored until it gives consent`]);
    // A late answer still counts.
    cmp.emit(tc('tcloaded', [1, 5, 6]));
    expect(c.get().state).toBe('granted');
  });

  it('a CMP installed after Shelfwise is found by the second look (at load), and listened to once', () => {
    const cmp = stubCmp();
    let installed: TcfApi | undefined;
    const h: ConsentHost = { tcfapi: () => installed, setTimeout: () => undefined, log: () => undefined };
    const c = new ConsentController(true, h);
    expect(c.listenToCmp()).toBe(false);
    installed = cmp.api;
    expect(c.listenToCmp()).toBe(true);
    expect(c.listenToCmp()).toBe(true);
    expect(cmp.listeners).toHaveLength(1);
    cmp.emit(tc('tcloaded', [1, 5, 6]));
    expect(c.get().state).toBe('granted');
  });

  it('a CMP that answered is not reported as silent', () => {
    const cmp = stubCmp();
    const { h, logs, fire } = host(cmp.api);
    const c = new ConsentController(true, h);
    c.listenToCmp();
    cmp.emit(tc('cmpuishown', []));
    fire();
    expect(logs).toEqual([]);
  });

  it('a CMP that throws, fails or sends junk leaves the state as it was, with a console message', () => {
    const throwing = host(() => {
      throw new Error('boom');
    });
    const a = new ConsentController(true, throwing.h);
    expect(a.listenToCmp()).toBe(true);
    expect(a.get().state).toBe('waiting');
    expect(throwing.logs[0]).toMatch(/threw \(boom\)/);

    const cmp = stubCmp();
    const { h, logs } = host(cmp.api);
    const b = new ConsentController(true, h);
    b.listenToCmp();
    cmp.emit(null, false);
    cmp.emit(tc('tcloaded', [1, 5, 6], { cmpStatus: 'error' }));
    cmp.emit({ eventStatus: 'tcloaded', purpose: { consents: null as unknown as undefined }, gdprApplies: true });
    expect(b.get().state).toBe('denied');
    b.consent(true);
    cmp.emit(null, false);
    expect(b.get().state).toBe('granted');
    expect(logs.filter((l) => /error/.test(l))).toHaveLength(3);
  });

  it('the latest signal wins: the banner after the CMP, and the CMP after the banner', () => {
    const cmp = stubCmp();
    const c = new ConsentController(true, host(cmp.api).h);
    c.listenToCmp();
    cmp.emit(tc('tcloaded', [1, 5, 6]));
    c.consent(false);
    expect(c.get().state).toBe('denied');
    cmp.emit(tc('useractioncomplete', [1, 5, 6]));
    expect(c.get().state).toBe('granted');
  });
});
