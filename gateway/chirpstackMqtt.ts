// The relay's link to ChirpStack v4's MQTT integration (or anything that speaks it, such as the
// radio simulator): a persistent MQTT session (clean: false, QoS 1) whose uplink events are
// acknowledged only after the relay has handled and stored them, so events published while the
// relay is down or restarting are delivered when it is back; and the downlink side: the clearing
// as one multicast enqueue (fragmented to the multicast data rate) or as per-device commands.
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { splitMessage } from '../radio/fragments.js';
import {
  downlinkTopic,
  MULTICAST_TOPIC,
  toBase64,
  fromBase64,
  UPLINK_SUBSCRIPTION,
  uplinkEventSchema,
  type DownlinkCommand,
  type MulticastEnqueue,
} from '../radio/chirpstack.js';
import type { DownlinkPort, GatewayRelay } from './relay.js';

export interface ChirpstackLinkOptions {
  brokerUrl: string;
  applicationId: string;
  /** MQTT client id (the persistent session's name) */
  clientId: string;
  log: Logger;
  /** the FPort derchain frames use */
  fPort?: number;
}

/** Connects to the broker; throws unless the broker is on loopback (the relay runs beside it). */
export async function connectBroker(url: string, clientId: string, clean: boolean): Promise<MqttClient> {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) throw new Error(`MQTT broker ${host} is not on loopback; run the relay beside the broker`);
  return mqtt.connectAsync(url, { clientId, clean, reconnectPeriod: 500, protocolVersion: 4 });
}

/** Feeds ChirpStack uplink events into the relay; returns the client (end it to stop). */
export async function attachUplinks(relay: Pick<GatewayRelay, 'onUplink'>, o: ChirpstackLinkOptions): Promise<MqttClient> {
  const client = await connectBroker(o.brokerUrl, o.clientId, false);
  const fPort = o.fPort ?? 1;
  // one message at a time, acknowledged after the relay stored what it took from it
  client.handleMessage = (packet, done) => {
    let event: ReturnType<typeof uplinkEventSchema.parse>;
    try {
      event = uplinkEventSchema.parse(JSON.parse(String(packet.payload)));
    } catch (e) {
      o.log.warn({ topic: packet.topic, reason: e instanceof Error ? e.message.slice(0, 200) : String(e) }, 'not a ChirpStack uplink event');
      done();
      return;
    }
    if (event.fPort !== fPort || event.deviceInfo.applicationId !== o.applicationId) {
      done();
      return;
    }
    relay.onUplink(event.deviceInfo.devEui, fromBase64(event.data)).then(
      () => done(),
      (e) => {
        o.log.error({ devEui: event.deviceInfo.devEui, reason: e instanceof Error ? e.message : String(e) }, 'uplink handling failed');
        done();
      },
    );
  };
  await client.subscribeAsync(UPLINK_SUBSCRIPTION(o.applicationId), { qos: 1 });
  return client;
}

export interface MqttDownlinkOptions {
  client: MqttClient;
  applicationId: string;
  /** largest downlink payload at the multicast / RX data rate (the clearing is fragmented to it) */
  maxPayload: number;
  /** Class C multicast group id; undefined: one downlink per device */
  multicastGroupId?: string;
  /** devices to address when multicast is off */
  devices?: () => string[];
  fPort?: number;
}

export class MqttDownlink implements DownlinkPort {
  frames = 0;
  constructor(private readonly o: MqttDownlinkOptions) {}

  async broadcast(message: Uint8Array, tag: number): Promise<void> {
    const fPort = this.o.fPort ?? 1;
    const frames = splitMessage(message, this.o.maxPayload, tag);
    for (const f of frames) {
      if (this.o.multicastGroupId !== undefined) {
        const body: MulticastEnqueue = { multicastGroupId: this.o.multicastGroupId, fPort, data: toBase64(f) };
        await this.o.client.publishAsync(MULTICAST_TOPIC(this.o.multicastGroupId), JSON.stringify(body), { qos: 1 });
        this.frames++;
      } else {
        for (const devEui of this.o.devices?.() ?? []) await this.publishTo(devEui, f, fPort);
      }
    }
  }

  async sendTo(devEui: string, message: Uint8Array, tag: number): Promise<void> {
    for (const f of splitMessage(message, this.o.maxPayload, tag)) await this.publishTo(devEui, f, this.o.fPort ?? 1);
  }

  private async publishTo(devEui: string, frame: Uint8Array, fPort: number): Promise<void> {
    const body: DownlinkCommand = { devEui, confirmed: false, fPort, data: toBase64(frame) };
    await this.o.client.publishAsync(downlinkTopic(this.o.applicationId, devEui), JSON.stringify(body), { qos: 1 });
    this.frames++;
  }
}
