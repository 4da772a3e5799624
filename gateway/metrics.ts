// The relay's counters and health, exported for Prometheus (prom-client, its own registry) on a
// loopback-only HTTP endpoint: /metrics in the text exposition format, /health as JSON.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';

export class RelayMetrics {
  readonly registry = new Registry();
  readonly uplinks = new Counter({ name: 'derchain_gateway_uplinks_total', help: 'uplink frames received, by message type', labelNames: ['type'], registers: [this.registry] });
  readonly rowsAccepted = new Counter({ name: 'derchain_gateway_rows_accepted_total', help: 'signed rows the coordinator counted', registers: [this.registry] });
  readonly rowsRejected = new Counter({ name: 'derchain_gateway_rows_rejected_total', help: 'rows refused, by reason', labelNames: ['reason'], registers: [this.registry] });
  readonly duplicates = new Counter({ name: 'derchain_gateway_duplicate_rows_total', help: 'rows received again (retries), not relayed twice', registers: [this.registry] });
  readonly stale = new Counter({ name: 'derchain_gateway_stale_rows_total', help: 'rows for an iteration already closed', registers: [this.registry] });
  readonly badFrames = new Counter({ name: 'derchain_gateway_bad_frames_total', help: 'frames that did not decode', registers: [this.registry] });
  readonly batches = new Counter({ name: 'derchain_gateway_batches_total', help: 'submitBatch calls', registers: [this.registry] });
  readonly gas = new Counter({ name: 'derchain_gateway_gas_used_total', help: 'gas the relay paid', registers: [this.registry] });
  readonly clearings = new Counter({ name: 'derchain_gateway_clearings_sent_total', help: 'clearing downlinks broadcast', registers: [this.registry] });
  readonly downlinkFrames = new Counter({ name: 'derchain_gateway_downlink_frames_total', help: 'downlink frames enqueued', registers: [this.registry] });
  readonly deadlineCloses = new Counter({ name: 'derchain_gateway_deadline_closes_total', help: 'iterations closed at the deadline', registers: [this.registry] });
  readonly missingSent = new Counter({ name: 'derchain_gateway_missing_broadcasts_total', help: 'MISSING messages broadcast (rows an open iteration still waits for)', registers: [this.registry] });
  readonly joins = new Counter({ name: 'derchain_gateway_joins_total', help: 'join proofs, by outcome', labelNames: ['outcome'], registers: [this.registry] });
  readonly iteration = new Gauge({ name: 'derchain_gateway_open_iteration', help: 'the open iteration of the current round', registers: [this.registry] });
  readonly pending = new Gauge({ name: 'derchain_gateway_pending_rows', help: 'rows held for the open iteration', registers: [this.registry] });
  readonly heartbeats = new Gauge({ name: 'derchain_gateway_meter_health', help: 'last health code per device', labelNames: ['dev_eui'], registers: [this.registry] });
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** Serves /metrics and /health on 127.0.0.1 only (port 0: any free port). */
export async function serveMetrics(metrics: RelayMetrics, health: () => object, port = 0): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/metrics') {
      metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        },
        (e) => {
          res.writeHead(500);
          res.end(String(e));
        },
      );
    } else if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(health()));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
