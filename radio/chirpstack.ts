// ChirpStack v4's MQTT integration as the relay sees it: topics and JSON (protobuf JSON mapping,
// camelCase) of uplink events and downlink commands, validated with zod where they enter.
//   uplink   application/{applicationId}/device/{devEui}/event/up
//   downlink application/{applicationId}/device/{devEui}/command/down  {devEui, confirmed, fPort, data}
// ChirpStack enqueues multicast downlinks through its gRPC API (MulticastGroupService.Enqueue), not
// MQTT; the relay keeps that behind the `MulticastPort` of gateway/, and the radio simulator
// accepts the same request on MULTICAST_TOPIC (a derchain topic standing in for the gRPC call).
import { z } from 'zod';

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`));

export const uplinkEventSchema = z.object({
  deduplicationId: z.string().uuid(),
  time: z.string(),
  deviceInfo: z.object({
    tenantId: z.string(),
    tenantName: z.string().optional(),
    applicationId: z.string().uuid(),
    applicationName: z.string().optional(),
    deviceProfileId: z.string().optional(),
    deviceProfileName: z.string().optional(),
    deviceName: z.string().optional(),
    devEui: hex(16),
    deviceClassEnabled: z.string().optional(),
    tags: z.record(z.string(), z.string()).default({}),
  }),
  devAddr: hex(8),
  adr: z.boolean().optional(),
  dr: z.number().int().min(0).max(15),
  fCnt: z.number().int().min(0),
  fPort: z.number().int().min(1).max(223),
  confirmed: z.boolean().optional(),
  data: z.string().base64(),
  rxInfo: z.array(
    z.object({
      gatewayId: hex(16),
      uplinkId: z.number().int().optional(),
      rssi: z.number().optional(),
      snr: z.number().optional(),
      channel: z.number().int().optional(),
      crcStatus: z.string().optional(),
    }).passthrough(),
  ),
  txInfo: z.object({
    frequency: z.number().int(),
    modulation: z.object({
      lora: z.object({ bandwidth: z.number().int(), spreadingFactor: z.number().int(), codeRate: z.string() }).optional(),
    }).passthrough(),
  }),
});
export type UplinkEvent = z.infer<typeof uplinkEventSchema>;

export const downlinkCommandSchema = z.object({
  devEui: hex(16),
  confirmed: z.boolean(),
  fPort: z.number().int().min(1).max(223),
  data: z.string().base64(),
});
export type DownlinkCommand = z.infer<typeof downlinkCommandSchema>;

export const multicastEnqueueSchema = z.object({
  multicastGroupId: z.string().uuid(),
  fPort: z.number().int().min(1).max(223),
  data: z.string().base64(),
});
export type MulticastEnqueue = z.infer<typeof multicastEnqueueSchema>;

export const uplinkTopic = (applicationId: string, devEui: string) => `application/${applicationId}/device/${devEui}/event/up`;
export const downlinkTopic = (applicationId: string, devEui: string) => `application/${applicationId}/device/${devEui}/command/down`;
export const UPLINK_SUBSCRIPTION = (applicationId: string) => `application/${applicationId}/device/+/event/up`;
export const DOWNLINK_SUBSCRIPTION = (applicationId: string) => `application/${applicationId}/device/+/command/down`;
export const MULTICAST_TOPIC = (multicastGroupId: string) => `derchain/multicast-group/${multicastGroupId}/enqueue`;
export const MULTICAST_SUBSCRIPTION = 'derchain/multicast-group/+/enqueue';

/** The devEui of a topic `application/{id}/device/{devEui}/...`, or undefined. */
export function devEuiOfTopic(topic: string): string | undefined {
  const m = /^application\/[^/]+\/device\/([0-9a-f]{16})\//.exec(topic);
  return m?.[1];
}

export const toBase64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
export const fromBase64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
