// An MQTT broker for tests and demos: aedes (npm) in-process, on a free loopback port. A utility's
// deployment uses its ChirpStack's broker (mosquitto); the relay only needs the URL.
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes } from 'aedes';

export interface LocalBroker {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startLocalBroker(port = 0): Promise<LocalBroker> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `mqtt://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        aedes.close(() => server.close(() => resolve()));
      }),
  };
}
