// `GatewayHost`: an existing on-premises IoT gateway (LoRa/NB-IoT host) from the stack's
// inventory, configured over SSH with @pulumi/command: installs the container runtime, then runs a
// non-validator Besu node (pinned image, generated genesis/config) and the gateway relay service.
// The node key travels on the SSH command's stdin as a Pulumi secret, never inside a script; the
// SSH private key is secret config; the host key is pinned.
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import { createHash } from 'node:crypto';
import { asRoot, configureNodeScript, installRuntimeScript, removeNodeScript } from './gatewayScripts.js';

export interface GatewayConnectionArgs {
  host: string;
  user: string;
  port: number;
  /** the gateway's SSH host key line ("ssh-ed25519 AAAA..."), pinned */
  hostKey: string;
  privateKey: pulumi.Input<string>;
}

export interface GatewayHostArgs {
  connection: GatewayConnectionArgs;
  image: string;
  /** the gateway's VPC-visible address (Besu's p2p and JSON-RPC interface) */
  host: string;
  rpcPort: number;
  files: pulumi.Input<Record<string, string>>;
  nodeKeyHex: pulumi.Input<string>;
  enode: pulumi.Input<string>;
  relayListenAddress: string;
  relayPort: number;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export class GatewayHost extends pulumi.ComponentResource {
  readonly installRuntime: command.remote.Command;
  readonly configureNode: command.remote.Command;
  readonly enode: pulumi.Output<string>;

  constructor(name: string, args: GatewayHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super('derchain:infra:GatewayHost', name, {}, opts);
    const child = { parent: this };
    const connection = {
      host: args.connection.host,
      user: args.connection.user,
      port: args.connection.port,
      hostKey: args.connection.hostKey,
      privateKey: pulumi.secret(args.connection.privateKey),
      dialErrorLimit: 5,
      perDialTimeout: 20,
    };

    const install = asRoot(installRuntimeScript());
    this.installRuntime = new command.remote.Command(`${name}-install-runtime`, {
      connection,
      create: install,
      update: install,
      triggers: [digest(install)],
    }, child);

    const configure = pulumi.output(args.files).apply((files) =>
      asRoot(configureNodeScript({
        nodeName: name,
        image: args.image,
        host: args.host,
        rpcPort: args.rpcPort,
        files,
        relayListenAddress: args.relayListenAddress,
        relayPort: args.relayPort,
      })),
    );
    this.configureNode = new command.remote.Command(`${name}-configure-node`, {
      connection,
      create: configure,
      update: configure,
      delete: asRoot(removeNodeScript()),
      stdin: pulumi.secret(args.nodeKeyHex),
      triggers: [configure.apply(digest)],
      addPreviousOutputInEnv: false,
    }, { ...child, dependsOn: [this.installRuntime], additionalSecretOutputs: ['stdin'] });

    this.enode = pulumi.output(args.enode);
    this.registerOutputs({ enode: this.enode });
  }
}
