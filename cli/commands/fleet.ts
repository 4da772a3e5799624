// `derchain fleet build|keygen|sign|verify|rollout|status|pause|resume|abort|report|lora-estimate`:
// the field engineers' side of agent releases. build bundles the agent and writes its manifest;
// sign adds the release manager's ed25519 signature with an expiry; the consortium approves the
// artifact's sha256 with `derchain releases propose-approve` / `vote`; rollout sends it through
// the gateways in waves and keeps its state in a file (resumed when the command runs again);
// pause/resume/abort steer a running rollout; status and report show it. Bad input: exit 2.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { DerchainInputError } from '../../errors/inputError.js';
import { buildAgentRelease } from '../../fleet/agentBuild.js';
import { assertLoraRolloutFits, describeEstimate, estimateLoraDelivery } from '../../fleet/loraDelivery.js';
import { MANIFEST_FILE, parseManifest } from '../../fleet/releaseManifest.js';
import { generateReleaseKey, parsePublicKey, readReleaseKey, ReleaseRejectedError, sha256Hex, SIGNED_RELEASE_FILE, signRelease, verifySignedRelease, writeReleaseKey } from '../../fleet/releaseSigning.js';
import { readRelease, RolloutController } from '../../fleet/rolloutController.js';
import { renderRolloutReport } from '../../fleet/rolloutReport.js';
import { readRolloutState, writeControl, type RolloutState } from '../../fleet/rolloutState.js';
import { rolloutStatusText, rolloutStatusView } from '../../fleet/rolloutStatus.js';
import { DEFAULT_WAVE_OPTIONS, type WaveOptions } from '../../fleet/wavePlan.js';
import { EXIT_BAD_INPUT, exitOnInputError } from '../inputErrorExit.js';

export const GATEWAY_TOKEN_ENV = 'DERCHAIN_GATEWAY_TOKEN';

function bad(message: string): InvalidArgumentError {
  const e = new InvalidArgumentError(message);
  e.exitCode = EXIT_BAD_INPUT;
  return e;
}

const num = (what: string, min: number, max: number, integer = false) => (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) throw bad(`${what} must be ${integer ? 'a whole number' : 'a number'} in ${min} .. ${max}, got "${value}"`);
  return n;
};

function print(json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

function gatewayToken(file?: string): string {
  const raw = file !== undefined ? readFileSync(file, 'utf8').trim() : process.env[GATEWAY_TOKEN_ENV]?.trim();
  if (!raw) throw new DerchainInputError(`the gateways' control token is needed: --gateway-token-file <file> or ${GATEWAY_TOKEN_ENV}`, { field: '--gateway-token-file' });
  return raw;
}

function stateOf(file: string): RolloutState {
  const s = readRolloutState(file);
  if (!s) throw new DerchainInputError('no rollout state at this path', { file });
  return s;
}

function parseCanary(value: string): { canaryCount?: number; canaryPercent?: number } {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(value.trim());
  if (!m) throw bad(`--canary must be a count (5) or a percentage (5%), got "${value}"`);
  return m[2] ? { canaryPercent: Number(m[1]) } : { canaryCount: Number(m[1]) };
}

interface RolloutFlags {
  release?: string;
  state: string;
  gateway?: string[];
  gatewayTokenFile?: string;
  canary?: string;
  firstWave?: number;
  incrementFactor: number;
  baseRate: number;
  maxPerMinute: number;
  abortPercent: number;
  minExecuted: number;
  concurrency: number;
  loraSf: number;
  loraRedundancy: number;
  loraWindowHours: number;
  loraRegion: string;
  json?: boolean;
}

export function register(program: Command): void {
  const fleet = program.command('fleet').description('Build, sign and roll out agent releases to the meters through their gateways');

  fleet
    .command('build')
    .requiredOption('--release-version <x.y.z>', 'release version (MAJOR.MINOR.PATCH)')
    .requiredOption('--out <dir>', 'output directory (agent.mjs, manifest.json)')
    .option('--json', 'print the manifest as JSON')
    .description('Bundle the node agent into one self-contained file with its manifest (reproducible)')
    .action(
      exitOnInputError('fleet build', async (o: { releaseVersion: string; out: string; json?: boolean }) => {
        if (!/^\d+\.\d+\.\d+$/.test(o.releaseVersion)) throw new DerchainInputError(`must be MAJOR.MINOR.PATCH, got "${o.releaseVersion}"`, { field: '--release-version' });
        const t0 = Date.now();
        const b = await buildAgentRelease({ version: o.releaseVersion, outDir: resolve(o.out) });
        const m = b.manifest;
        print(o.json, m, `built ${m.name} ${m.version} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n${b.artifactFile}: ${m.artifact.size} bytes, sha256 ${m.artifact.sha256}\nprotocols: coordinator ABI ${m.protocols.coordinatorAbi}, health ${m.protocols.health}, agent data ${m.protocols.agentData}; Node.js >= ${m.minRuntime.node}\nnext: derchain fleet sign ${o.out} --key-file <release key>`);
      }),
    );

  fleet
    .command('keygen')
    .requiredOption('--out <file>', 'private key file to create (0600); the public key goes to FILE.pub')
    .description("Create the release manager's ed25519 key pair (meters trust the .pub)")
    .action(
      exitOnInputError('fleet keygen', async (o: { out: string }) => {
        const f = writeReleaseKey(o.out, generateReleaseKey());
        process.stdout.write(`wrote ${f.privateFile} (keep it offline) and ${f.publicFile} (install it on the meters)\n`);
      }),
    );

  fleet
    .command('sign')
    .argument('<dir>', 'release directory from fleet build')
    .requiredOption('--key-file <file>', "the release manager's private key (0600)")
    .option('--expires-days <days>', 'days until meters refuse the release (freeze protection)', num('--expires-days', 1, 3650, true), 90)
    .description('Sign the manifest (ed25519, with expiry) into DIR/release.json')
    .action(
      exitOnInputError('fleet sign', async (dir: string, o: { keyFile: string; expiresDays: number }) => {
        const manifestFile = join(dir, MANIFEST_FILE);
        let manifest: ReturnType<typeof parseManifest>;
        try {
          manifest = parseManifest(JSON.parse(readFileSync(manifestFile, 'utf8')), manifestFile);
        } catch (err) {
          throw new DerchainInputError((err as Error).message, { file: manifestFile });
        }
        const bytes = readFileSync(join(dir, manifest.artifact.file));
        if (sha256Hex(bytes) !== manifest.artifact.sha256) throw new DerchainInputError('the artifact does not hash to the manifest sha256; rebuild', { file: join(dir, manifest.artifact.file) });
        const signed = signRelease(manifest, readReleaseKey(o.keyFile), new Date(Date.now() + o.expiresDays * 86_400_000));
        writeFileSync(join(dir, SIGNED_RELEASE_FILE), `${JSON.stringify(signed, null, 2)}\n`);
        process.stdout.write(`signed ${manifest.version} (key ${signed.signed.keyId}, expires ${signed.signed.expires}) -> ${join(dir, SIGNED_RELEASE_FILE)}\nnext: derchain releases propose-approve --artifact ${join(dir, manifest.artifact.file)} --label "agent ${manifest.version}"\n`);
      }),
    );

  fleet
    .command('verify')
    .argument('<dir>', 'signed release directory')
    .requiredOption('--public-key <file>', "the release manager's public key (hex)")
    .option('--json', 'print JSON')
    .description('Check a signed release as a meter would (signature, expiry, artifact hash)')
    .action(
      exitOnInputError('fleet verify', async (dir: string, o: { publicKey: string; json?: boolean }) => {
        try {
          const { release } = readRelease(dir);
          const v = verifySignedRelease(release, [parsePublicKey(readFileSync(o.publicKey, 'utf8'), o.publicKey)]);
          print(o.json, { ok: true, ...v }, `OK: ${v.manifest.version}, sha256 ${v.manifest.artifact.sha256}, key ${v.keyId}, expires ${v.expires}`);
        } catch (err) {
          if (err instanceof ReleaseRejectedError) throw new DerchainInputError(`refused (${err.reason}): ${err.message}`, { file: join(dir, SIGNED_RELEASE_FILE) });
          throw err;
        }
      }),
    );

  fleet
    .command('rollout')
    .requiredOption('--state <file>', 'rollout state file (created; an existing one is resumed)')
    .option('--release <dir>', 'signed release directory (new rollouts)')
    .option('--gateway <url...>', "gateway control URL (repeat; new rollouts)")
    .option('--gateway-token-file <file>', `the gateways' control token (env ${GATEWAY_TOKEN_ENV})`)
    .option('--canary <n|p%>', 'canary size: a count or a percentage', '5%')
    .option('--first-wave <n>', 'size of the wave after the canary (default 2x canary)', num('--first-wave', 1, 1e6, true))
    .option('--increment-factor <f>', 'growth of wave size and rate per wave (1.1 .. 5)', num('--increment-factor', 1.1, 5), DEFAULT_WAVE_OPTIONS.incrementFactor)
    .option('--base-rate <n>', 'canary dispatch rate, meters per minute', num('--base-rate', 1, 1e6), DEFAULT_WAVE_OPTIONS.baseRatePerMinute)
    .option('--max-per-minute <n>', 'dispatch rate cap, meters per minute', num('--max-per-minute', 1, 1e6), DEFAULT_WAVE_OPTIONS.maximumPerMinute)
    .option('--abort-percent <p>', 'abort when more than this % of executed meters failed', num('--abort-percent', 0, 100), 10)
    .option('--min-executed <n>', '... once at least this many meters executed', num('--min-executed', 1, 1e6, true), 5)
    .option('--concurrency <n>', 'meter jobs in flight', num('--concurrency', 1, 256, true), 4)
    .option('--lora-sf <sf>', 'spreading factor of the LoRaWAN multicast session', num('--lora-sf', 7, 12, true), 9)
    .option('--lora-redundancy <p>', 'LoRaWAN redundancy fragments, % of the data fragments', num('--lora-redundancy', 0, 200), 10)
    .option('--lora-window-hours <h>', 'planned window for the LoRaWAN session', num('--lora-window-hours', 0.01, 24 * 60), 24)
    .option('--lora-region <name>', 'LoRaWAN region (EU868, US915)', 'EU868')
    .option('--json', 'print the final status as JSON')
    .description('Roll a signed, approved release out in waves (canary, then growing waves); resumes an existing state file')
    .action(
      exitOnInputError('fleet rollout', async (o: RolloutFlags) => {
        const token = gatewayToken(o.gatewayTokenFile);
        const onChange = (s: RolloutState) => {
          const w = s.waves.find((x) => x.status === 'running');
          if (w) {
            const done = w.meters.filter((id) => s.meters[id]!.progress !== 'pending' && s.meters[id]!.progress !== 'dispatched').length;
            process.stderr.write(`\r${w.name}: ${done}/${w.meters.length} meters   `);
          }
        };
        let controller: RolloutController;
        if (readRolloutState(o.state)) {
          controller = RolloutController.resume(o.state, token, { onChange });
          process.stderr.write(`resuming the rollout in ${o.state}\n`);
        } else {
          if (!o.release) throw new DerchainInputError('a new rollout needs --release <dir>', { field: '--release' });
          if (!o.gateway?.length) throw new DerchainInputError('a new rollout needs at least one --gateway <url>', { field: '--gateway' });
          const waveOptions: WaveOptions = { ...parseCanary(o.canary ?? '5%'), incrementFactor: o.incrementFactor, baseRatePerMinute: o.baseRate, maximumPerMinute: o.maxPerMinute, ...(o.firstWave ? { firstWave: o.firstWave } : {}) };
          controller = await RolloutController.create(
            {
              stateFile: o.state,
              releaseDir: o.release,
              gatewayUrls: o.gateway,
              token,
              waveOptions,
              abort: { failurePercent: o.abortPercent, minExecuted: o.minExecuted },
              concurrency: o.concurrency,
              preflight: (meters, release) => {
                const e = assertLoraRolloutFits(meters, release.signed.manifest.artifact.size, { spreadingFactor: o.loraSf, redundancyPercent: o.loraRedundancy, windowHours: o.loraWindowHours, region: o.loraRegion });
                if (e) process.stderr.write(`LoRaWAN delivery: ${describeEstimate(e)}\n`);
              },
            },
            { onChange },
          );
        }
        const t0 = Date.now();
        const s = await controller.run();
        process.stderr.write('\n');
        const v = rolloutStatusView(s);
        print(o.json, v, `${rolloutStatusText(v)}\n(this run: ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
        if (s.status === 'aborted') process.exitCode = 3;
      }),
    );

  fleet
    .command('status')
    .requiredOption('--state <file>', 'rollout state file')
    .option('--json', 'print JSON')
    .description('Progress per wave, per gateway and per version')
    .action(
      exitOnInputError('fleet status', async (o: { state: string; json?: boolean }) => {
        const v = rolloutStatusView(stateOf(o.state));
        print(o.json, v, rolloutStatusText(v));
      }),
    );

  for (const command of ['pause', 'resume', 'abort'] as const) {
    fleet
      .command(command)
      .requiredOption('--state <file>', 'rollout state file')
      .option('--reason <text>', 'why (abort)')
      .description(command === 'abort' ? 'Stop the rollout and switch every updated meter back' : `${command === 'pause' ? 'Pause' : 'Resume'} the rollout`)
      .action(
        exitOnInputError(`fleet ${command}`, async (o: { state: string; reason?: string }) => {
          const s = stateOf(o.state);
          if (s.status === 'completed' || s.status === 'aborted') throw new DerchainInputError(`the rollout is ${s.status} already`, { file: o.state });
          writeControl(o.state, { command, at: new Date().toISOString(), ...(o.reason ? { reason: o.reason } : {}) });
          process.stdout.write(`${command} requested; the controller applies it before its next meter (run fleet rollout --state ${o.state} if none is running)\n`);
        }),
      );
  }

  fleet
    .command('report')
    .requiredOption('--state <file>', 'rollout state file')
    .requiredOption('--out <file>', 'HTML file to write')
    .description('The rollout as an HTML report with the waves as charts')
    .action(
      exitOnInputError('fleet report', async (o: { state: string; out: string }) => {
        const html = renderRolloutReport(stateOf(o.state));
        mkdirSync(resolve(o.out, '..'), { recursive: true });
        writeFileSync(o.out, html);
        process.stdout.write(`wrote ${o.out}\n`);
      }),
    );

  fleet
    .command('lora-estimate')
    .option('--size <bytes>', 'image size in bytes', num('--size', 1, 64 * 2 ** 20, true))
    .option('--artifact <file>', 'or the image file')
    .option('--sf <sf>', 'spreading factor', num('--sf', 7, 12, true), 12)
    .option('--redundancy <p>', 'redundancy, % of the data fragments', num('--redundancy', 0, 200), 10)
    .option('--region <name>', 'EU868 or US915', 'EU868')
    .option('--window-hours <h>', 'planned window', num('--window-hours', 0.01, 24 * 60))
    .option('--json', 'print JSON')
    .description('Airtime and duty-cycle time of delivering an image to LoRaWAN-only meters (fragmented multicast with redundancy)')
    .action(
      exitOnInputError('fleet lora-estimate', async (o: { size?: number; artifact?: string; sf: number; redundancy: number; region: string; windowHours?: number; json?: boolean }) => {
        if ((o.size === undefined) === (o.artifact === undefined)) throw new DerchainInputError('give exactly one of --size and --artifact', { field: '--size' });
        const imageBytes = o.size ?? readFileSync(o.artifact!).length;
        const e = estimateLoraDelivery({ imageBytes, redundancyPercent: o.redundancy, spreadingFactor: o.sf, region: o.region, ...(o.windowHours !== undefined ? { windowHours: o.windowHours } : {}) });
        print(o.json, e, `${imageBytes} bytes: ${describeEstimate(e)}`);
        if (e.fits === false) process.exitCode = 3;
      }),
    );
}
