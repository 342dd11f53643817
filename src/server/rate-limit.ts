/**
 * Requests per client as a token bucket: `burst` at once, refilled at `perMinute`. Time is a
 * parameter so tests drive it.
 */
export interface RateLimitOptions {
  perMinute: number;
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perMinute: 600, burst: 120 };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(readonly options: RateLimitOptions = DEFAULT_RATE_LIMIT) {}

  /** Takes one request's token; returns the milliseconds to wait when the client has none left. */
  take(client: string, now: number): { allowed: true } | { allowed: false; retryAfterMs: number } {
    const perMs = this.options.perMinute / 60_000;
    const bucket = this.#buckets.get(client) ?? { tokens: this.options.burst, at: now };
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.#buckets.set(client, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    this.#forgetFull(now);
    return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / perMs) };
  }

  /** Drops buckets that have refilled, so the map stays as small as the set of busy clients. */
  #forgetFull(now: number): void {
    const perMs = this.options.perMinute / 60_000;
    for (const [client, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * perMs >= this.options.burst) this.#buckets.delete(client);
    }
  }
}
