// Request and response shapes of the device whitelist routes (A7); read by the handlers and by the OpenAPI
// document.
import * as z from 'zod/mini';

/** The id in `/v1/me/devices/{deviceId}`: the device id the client sends at login. */
export const deviceIdParam = z.object({
  deviceId: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,128}$/)),
});

export const deviceView = z.object({
  deviceId: z.string(),
  /** Browser and system of the login that whitelisted it ("Safari 17 on iOS 17"). */
  name: z.string(),
  addedAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  /** True for the device of the caller's own session. */
  current: z.boolean(),
});
export type DeviceView = z.infer<typeof deviceView>;

export const devicesResponse = z.object({ devices: z.array(deviceView) });
export type DevicesResponse = z.infer<typeof devicesResponse>;

export const deviceRemovedResponse = z.object({
  removed: z.literal('device'),
  removedAt: z.iso.datetime(),
  /** How many live sessions opened from the device were ended with it. */
  sessionsEnded: z.number().check(z.int(), z.minimum(0)),
});
export type DeviceRemovedResponse = z.infer<typeof deviceRemovedResponse>;
