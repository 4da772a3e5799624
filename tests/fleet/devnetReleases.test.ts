// Release approval and revocation through the CLI on a real geth Clique network (network-config/
// devnet.ts as the other devnet tests start it: four validators, 1 s blocks): a meter behind a gateway that reads the chain refuses
// the release until a majority has approved it, installs it then, and switches back once a
// majority has revoked it. Needs geth 1.13 (scripts/setup-test-tools.sh).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostedAgentRunner } from '../../fleet/agentRunner.js';
import { ChainApprovals } from '../../fleet/chainApprovals.js';
import { HttpGatewayLink } from '../../fleet/gatewayLink.js';
import { GatewayService } from '../../fleet/gatewayService.js';
import { MeterSupervisor } from '../../fleet/meterSupervisor.js';
import { connectNode } from '../../chain/rpc.js';
import { deployGovernance } from '../../governance/deployGovernance.js';
import { startDevnet, type Devnet } from '../../network-config/devnet.js';
import { freeDevnetBasePort } from '../../network-config/devnetPorts.js';
import { buildSigned, releaseWorkspace } from './releaseFixtures.js';
import { approveByCli, revokeByCli } from './releaseVotes.js';

describe('release approval and revocation on the geth Clique devnet', function () {
  this.timeout(240_000);
  const { root, key } = releaseWorkspace();
  let dir: string;
  let devnet: Devnet;
  let gw: GatewayService;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-fleet-devnet-'));
    devnet = await startDevnet({ dir, validators: 4, periodSeconds: 1, basePort: await freeDevnetBasePort(4), fundedAccounts: 4 });
  });
  after(async () => {
    await gw?.close();
    await devnet?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('a meter installs a release only after the consortium approved it, and goes back when it is revoked', async () => {
    const keys = devnet.fundedKeysHex.slice(0, 3);
    const c0 = await connectNode(devnet.rpcUrls[0]!, keys[0]);
    const members = await Promise.all(keys.map(async (k, i) => ({ address: (await connectNode(devnet.rpcUrls[0]!, k)).walletClient!.account.address, name: `Utility ${i}` })));
    const governance = await deployGovernance(c0.publicClient, c0.walletClient!, {
      members,
      validators: devnet.signers.map((s, i) => ({ address: s, enode: devnet.enodes[i]!, label: `v${i}` })),
      votingPeriodSeconds: 3600,
    });
    const consortium = { rpcUrls: devnet.rpcUrls, governance, keys };
    const [v1, v2] = [await buildSigned(root, key, '2.0.0'), await buildSigned(root, key, '2.1.0')];
    gw = new GatewayService({ id: 'gw-devnet', approvals: await ChainApprovals.connect(devnet.rpcUrls[1]!, governance), controlToken: 't', approvalTtlMs: 0 });
    await gw.listen();
    for (const r of [v1, v2]) gw.publish(r.signed, readFileSync(r.artifactFile));
    const meter = new MeterSupervisor({ meterId: 'm-devnet', dir: join(root, 'meter'), trustedKeys: [key.publicKey], gateway: new HttpGatewayLink(gw.httpUrl), runner: new HostedAgentRunner() });
    gw.attach(meter, 'ip');

    assert.equal((await meter.install(v1.hash)).reason, 'not-approved');
    await approveByCli(consortium, v1.artifactFile, 'agent 2.0.0');
    await approveByCli(consortium, v2.artifactFile, 'agent 2.1.0');
    // the gateway reads node 1; wait until it has imported the deciding block
    for (let i = 0; !(await gw.approval(v2.hash)).approved; i++) {
      assert.ok(i < 40, 'node 1 never saw the approval');
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal((await meter.install(v1.hash)).outcome, 'installed');
    assert.equal((await meter.install(v2.hash)).outcome, 'installed');

    await revokeByCli(consortium, v2.artifactFile, 'withdrawn');
    for (let i = 0; !(await gw.approval(v2.hash)).revoked; i++) {
      assert.ok(i < 40, 'node 1 never saw the revocation');
      await new Promise((r) => setTimeout(r, 250));
    }
    const [r] = await gw.heartbeat();
    assert.equal(r!.outcome, 'reverted');
    assert.equal(meter.active?.version, '2.0.0');
  });
});
