/** Shared bits of the benchmark suite: Chromium as browser-setup.md says, and distributions. */
import { chromium, type Browser } from '@playwright/test';
import { quantile } from '../src/core/metrics';

export const CHROMIUM = process.env.SHELFWISE_CHROMIUM ?? '/usr/bin/chromium';
// Without the networking flags Chromium keeps trying to reach the internet; without
// --enable-unsafe-webgpu, requestAdapter() returns null (SwiftShader stands in for a GPU).
export const FLAGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

export interface Dist {
  p50: number;
  p95: number;
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
export const stats = (xs: number[]): Dist => ({ p50: round(quantile(xs, 0.5), 2), p95: round(quantile(xs, 0.95), 2) });
export const median = (xs: number[]) => quantile(xs, 0.5);
