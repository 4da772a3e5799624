// `ContractDeployment`: once the validators answer, deploy the coordination contracts from the
// operator's machine and expose their addresses. Two local commands: a readiness check
// (eth_blockNumber > 0 through the operator's RPC path) that depends on the nodes, and the deploy
// step that depends on the check. The deploy runs once (its script changes are ignored);
// redeploy deliberately with `pulumi up --replace <urn of the deploy command>`.
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import {
  DEPLOYER_KEY_ENV,
  coordinatorAddressOf,
  deployScript,
  parseDeployOutput,
  readinessScript,
  type OperatorRpcPath,
} from './operatorRpcScripts.js';

export interface ContractDeploymentArgs {
  via: 'ssm' | 'direct';
  region: string;
  localPort: number;
  readinessTimeoutSeconds: number;
  /** the validator whose JSON-RPC the operator uses */
  instanceId: pulumi.Input<string>;
  privateIp: pulumi.Input<string>;
  deployerKey: pulumi.Input<string>;
  /** resources that must exist first (the validator nodes) */
  nodes: pulumi.Resource[];
}

export class ContractDeployment extends pulumi.ComponentResource {
  readonly readiness: command.local.Command;
  readonly deploy: command.local.Command;
  /** contract name -> address, as reported by the deploy command */
  readonly contracts: pulumi.Output<Record<string, string>>;
  readonly coordinatorAddress: pulumi.Output<string>;

  constructor(name: string, args: ContractDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super('derchain:infra:ContractDeployment', name, {}, opts);
    const path = pulumi.all([args.instanceId, args.privateIp]).apply(([instanceId, privateIp]): OperatorRpcPath => ({
      via: args.via,
      region: args.region,
      instanceId,
      privateIp,
      localPort: args.localPort,
    }));

    this.readiness = new command.local.Command(`${name}-chain-ready`, {
      interpreter: ['/bin/bash', '-c'],
      create: path.apply((p) => readinessScript(p, args.readinessTimeoutSeconds)),
      triggers: [args.instanceId],
    }, { parent: this, dependsOn: args.nodes });

    this.deploy = new command.local.Command(`${name}-deploy`, {
      interpreter: ['/bin/bash', '-c'],
      create: path.apply((p) => deployScript(p, args.readinessTimeoutSeconds)),
      environment: { [DEPLOYER_KEY_ENV]: pulumi.secret(args.deployerKey) },
      logging: 'stdoutAndStderr',
    }, { parent: this, dependsOn: [this.readiness], ignoreChanges: ['create', 'environment'], additionalSecretOutputs: ['environment'] });

    this.contracts = this.deploy.stdout.apply(parseDeployOutput);
    this.coordinatorAddress = this.contracts.apply(coordinatorAddressOf);
    this.registerOutputs({ contracts: this.contracts, coordinatorAddress: this.coordinatorAddress });
  }
}
