// I1: the request's metrics are published when it ends, as Powertools' logMetrics middleware does, without
// serialising an empty document on the requests (most) that recorded none (lambdas/kernel/observability.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MetricUnit, metrics, publishMetrics, SecurityMetric } from '../../lambdas/kernel/observability.js';

afterEach(() => vi.restoreAllMocks());

describe('I1 metrics published at the end of a request', () => {
  it('I1 a request with a metric is published once, after or on error; one without serialises nothing and leaves no dimension behind', async () => {
    const documents: Record<string, unknown>[] = [];
    const serialise = vi.spyOn(metrics, 'serializeMetrics');
    const publish = vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(function (
      this: typeof metrics,
    ) {
      documents.push(this.serializeMetrics() as unknown as Record<string, unknown>);
      this.clearMetrics();
      this.clearDimensions();
      this.clearMetadata();
      return this;
    });
    const middleware = publishMetrics();
    const request = {} as never;

    await middleware.after?.(request);
    await middleware.onError?.(request);
    expect(publish).not.toHaveBeenCalled();
    expect(serialise).not.toHaveBeenCalled();

    metrics.addDimension('route', 'login');
    metrics.addMetric(SecurityMetric.LoginLockout, MetricUnit.Count, 1);
    await middleware.onError?.(request);
    expect(publish).toHaveBeenCalledTimes(1);
    expect(documents[0]?.[SecurityMetric.LoginLockout]).toBe(1);
    expect(documents[0]?.route).toBe('login');
    expect(metrics.hasStoredMetrics()).toBe(false);

    // A dimension added by a request that recorded no metric does not reach the next request's metrics.
    metrics.addDimension('route', 'stale');
    await middleware.after?.(request);
    metrics.addMetric(SecurityMetric.LoginLockout, MetricUnit.Count, 1);
    await middleware.after?.(request);
    expect(publish).toHaveBeenCalledTimes(2);
    expect(documents[1]?.route).toBeUndefined();
  });
});
