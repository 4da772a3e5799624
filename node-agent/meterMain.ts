// The meter-side agent over an IoT transport, one household per process, as it runs on a meter:
//   node --import tsx node-agent/meterMain.ts --transport coap --gateway 127.0.0.1:5683 \
//     --chain-id ID --contract ADDR --keystore FILE --password-file FILE --data FILE
// It finds its index in the round (GET /participant), takes the round's parameters from the
// opening clearing (n, rho, resolution, alpha in its aux values), then solves, signs (EIP-712, its
// own key, which never leaves this process) and posts its rows until the final clearing
// (radio/coapMeterLoop.ts). `--transport rpc` is the node agent beside a node
// (node-agent/poolMain.ts); `--transport lorawan` needs the meter's LoRa radio, which this kit
// only simulates (`derchain pilot --transport lorawan`). Logs (pino, JSON) go to stderr.
// Exit 0 after the final clearing, 2 on bad input (flags, files, a round the data does not fit),
// 1 on any other error.
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import pino from 'pino';
import { getAddress, isAddress } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { DerchainInputError } from '../errors/inputError.js';
import { CoapMeterLink } from '../radio/coapMeterLink.js';
import { runCoapMeterLoop } from '../radio/coapMeterLoop.js';
import { decodeMessage } from '../radio/frames.js';
import { PoolMeter } from '../radio/poolMeter.js';
import { readAgentData } from './agentData.js';
import { withHouseholdOptions, type HouseholdFlags } from './householdOptions.js';
import { unlockKeystore } from './keystore.js';

const program = withHouseholdOptions(
  new Command('derchain-meter')
    .requiredOption('--transport <how>', 'coap (NB-IoT / LTE-M to the gateway relay); rpc and lorawan are refused with where they run')
    .option('--gateway <host:port>', 'the gateway relay\'s CoAP endpoint', '127.0.0.1:5683')
    .requiredOption('--chain-id <id>', 'chain id of the coordinator (the EIP-712 domain the rows are signed in)')
    .requiredOption('--contract <address>', 'pool coordinator address (the EIP-712 domain)'),
  { pollMs: '200' },
);
program.parse(process.argv);
const flags = program.opts<HouseholdFlags & { transport: string; gateway: string; chainId: string; contract: string }>();
const log = pino({ name: flags.name ?? 'meter', level: process.env.DERCHAIN_LOG_LEVEL ?? 'info' }, pino.destination({ fd: 2, sync: true }));

function bad(message: string, field: string): never {
  throw new DerchainInputError(message, { field });
}

try {
  if (flags.transport === 'rpc') bad('--transport rpc is the node agent beside a node: node-agent/poolMain.ts --rpc URL', 'transport');
  if (flags.transport === 'lorawan') bad('--transport lorawan needs the meter\'s LoRa radio; this kit simulates it (derchain pilot --transport lorawan)', 'transport');
  if (flags.transport !== 'coap') bad(`--transport must be coap, rpc or lorawan (got ${JSON.stringify(flags.transport)})`, 'transport');
  const gw = /^([^:\s]+):(\d{1,5})$/.exec(flags.gateway);
  if (gw === null || Number(gw[2]) < 1 || Number(gw[2]) > 65_535) bad(`--gateway must be host:port (got ${JSON.stringify(flags.gateway)})`, 'gateway');
  const chainId = Number(flags.chainId);
  if (!Number.isSafeInteger(chainId) || chainId < 1) bad(`--chain-id must be a positive whole number (got ${JSON.stringify(flags.chainId)})`, 'chain-id');
  if (!isAddress(flags.contract)) bad(`--contract must be an address (got ${JSON.stringify(flags.contract)})`, 'contract');
  const pollMs = Number(flags.pollMs);
  if (!(pollMs >= 1 && pollMs <= 60_000)) bad(`--poll-ms must be from 1 to 60000 (got ${JSON.stringify(flags.pollMs)})`, 'poll-ms');
  for (const [field, file] of [['keystore', flags.keystore], ['password-file', flags.passwordFile], ['data', flags.data]] as const) {
    if (!existsSync(file)) bad(`--${field}: no file ${file}`, field);
  }
  let data: ReturnType<typeof readAgentData>;
  try {
    data = readAgentData(flags.data);
  } catch (e) {
    bad(`--data: ${(e as Error).message}`, 'data');
  }
  const key = await unlockKeystore(flags.keystore, flags.passwordFile);
  const account = privateKeyToAccount(key.privateKey);
  const link = new CoapMeterLink({ host: gw[1]!, port: Number(gw[2]) });

  // the round: this household's index, then the round's parameters from its opening clearing
  const participant = await link.participant(account.address);
  if (participant === undefined) bad(`${account.address} is not a participant of the gateway's round`, 'keystore');
  let opening = await link.clearing(0);
  while (opening === undefined) {
    await new Promise((r) => setTimeout(r, pollMs));
    opening = await link.clearing(0);
  }
  const c0 = decodeMessage(opening);
  if (c0.type !== 'clearing' || c0.aux.length < 4) throw new Error('the gateway\'s opening clearing carries no round parameters');
  const [n, rho, resolution, alphaPpm] = c0.aux as [bigint, bigint, bigint, bigint];
  if (c0.prices.length !== data.horizon) bad(`--data ${flags.data}: ${data.horizon} slots, the round clears ${c0.prices.length}`, 'data');
  log.info({ address: account.address, participant, round: String(c0.round), participants: Number(n), slots: c0.prices.length }, 'meter joined its round');

  const meter = new PoolMeter({
    account,
    domain: { chainId, contract: getAddress(flags.contract) },
    round: c0.round,
    participant,
    params: { prosumer: data.prosumer, tariff: data.tariff, options: data.options, dtHours: data.dtHours, startSlot: data.startSlot, participants: Number(n), rho, resolution, alphaPpm },
  });
  const requests = await runCoapMeterLoop(meter, link, {
    pollMs,
    onClearing: (c) => log.info({ iteration: c.iteration, final: c.final, counted: c.accepted?.[participant] ?? null }, 'clearing applied'),
  });
  log.info({ requests, submissions: meter.submissions }, 'round over');
  process.exitCode = 0;
} catch (e) {
  const input = e instanceof DerchainInputError;
  log.error({ reason: (e as Error).message }, input ? 'bad input' : 'meter failed');
  process.stderr.write(`derchain meter: ${(e as Error).message}\n`);
  process.exitCode = input ? 2 : 1;
}
