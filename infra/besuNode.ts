// `BesuNode`: one Besu node on AWS, validator or non-validator by argument. An instance in a
// private subnet at a fixed private address (so its enode URL is known up front), IMDSv2 only,
// encrypted root volume and a separate encrypted chain-data volume, an instance role that may
// read only this node's key, the key itself as an SSM SecureString parameter (a Pulumi secret,
// never in user-data or outputs), and user-data that runs the pinned Besu image with the
// generated genesis and config.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { besuUserData } from './besuUserData.js';
import { EC2_ASSUME_ROLE_POLICY, nodeKeyAccessPolicy } from './nodeKeyAccessPolicy.js';
import { resourceTags, type TagContext } from './tags.js';

export interface BesuNodeArgs {
  role: 'validator' | 'member';
  subnetId: pulumi.Input<string>;
  availabilityZone: pulumi.Input<string>;
  privateIp: string;
  securityGroupIds: pulumi.Input<string>[];
  instanceType: string;
  dataVolumeGiB: number;
  amiId: pulumi.Input<string>;
  kmsKeyArn: pulumi.Input<string>;
  region: string;
  /** pinned image reference, e.g. hyperledger/besu:24.12.2 */
  image: string;
  /** non-secret files relative to the node directory (genesis.json, config.toml, ...) */
  files: pulumi.Input<Record<string, string>>;
  /** the node key (64 hex); wrapped as a Pulumi secret here */
  nodeKeyHex: pulumi.Input<string>;
  /** public: enode://<node id>@<privateIp>:30303 */
  enode: pulumi.Input<string>;
  /** SSM parameter name for the key, e.g. /derchain/pilot/nodes/validator-0/nodekey */
  keyParameterName: string;
  /** expose Besu metrics on privateIp:port (only when Prometheus scraping is configured) */
  metricsPort?: number;
  tags: TagContext;
}

export class BesuNode extends pulumi.ComponentResource {
  readonly instance: aws.ec2.Instance;
  readonly dataVolume: aws.ebs.Volume;
  readonly keyParameter: aws.ssm.Parameter;
  readonly role: aws.iam.Role;
  readonly instanceId: pulumi.Output<string>;
  readonly privateIp: pulumi.Output<string>;
  readonly enode: pulumi.Output<string>;

  constructor(name: string, args: BesuNodeArgs, opts?: pulumi.ComponentResourceOptions) {
    super('derchain:infra:BesuNode', name, {}, opts);
    const child = { parent: this };
    const tag = (resource: string) => ({ ...resourceTags(args.tags, 'BesuNode', `${name}-${resource}`), 'derchain:node': name, 'derchain:role': args.role });

    this.keyParameter = new aws.ssm.Parameter(`${name}-nodekey`, {
      name: args.keyParameterName,
      type: aws.ssm.ParameterType.SecureString,
      keyId: args.kmsKeyArn,
      value: pulumi.secret(args.nodeKeyHex),
      description: `derchain Besu node key of ${name} (${args.role})`,
      tier: 'Standard',
      tags: tag('nodekey'),
    }, child);

    this.role = new aws.iam.Role(`${name}-role`, {
      assumeRolePolicy: JSON.stringify(EC2_ASSUME_ROLE_POLICY),
      description: `derchain ${name}: read own node key, Session Manager`,
      tags: tag('role'),
    }, child);
    new aws.iam.RolePolicy(`${name}-nodekey-access`, {
      role: this.role.id,
      policy: pulumi.all([this.keyParameter.arn, args.kmsKeyArn]).apply(([parameterArn, keyArn]) =>
        JSON.stringify(nodeKeyAccessPolicy(parameterArn, keyArn)),
      ),
    }, child);
    const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: this.role.name, tags: tag('profile') }, child);

    this.dataVolume = new aws.ebs.Volume(`${name}-data`, {
      availabilityZone: args.availabilityZone,
      size: args.dataVolumeGiB,
      type: 'gp3',
      encrypted: true,
      kmsKeyId: args.kmsKeyArn,
      tags: tag('data'),
    }, child);

    const userData = pulumi
      .all([pulumi.output(args.files), this.dataVolume.id])
      .apply(([files, dataVolumeId]) =>
        besuUserData({
          nodeName: name,
          role: args.role,
          image: args.image,
          files,
          keyParameterName: args.keyParameterName,
          region: args.region,
          dataVolumeId,
          metrics: args.metricsPort === undefined ? undefined : { host: args.privateIp, port: args.metricsPort },
        }),
      );

    this.instance = new aws.ec2.Instance(`${name}-instance`, {
      ami: args.amiId,
      instanceType: args.instanceType,
      subnetId: args.subnetId,
      privateIp: args.privateIp,
      associatePublicIpAddress: false,
      vpcSecurityGroupIds: args.securityGroupIds,
      iamInstanceProfile: profile.name,
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1, instanceMetadataTags: 'disabled' },
      rootBlockDevice: { encrypted: true, kmsKeyId: args.kmsKeyArn, volumeType: 'gp3', volumeSize: 20, deleteOnTermination: true },
      userData,
      userDataReplaceOnChange: false,
      monitoring: true,
      tags: tag('instance'),
    }, { ...child, ignoreChanges: ['ami'], dependsOn: [this.keyParameter] });

    new aws.ec2.VolumeAttachment(`${name}-data-attachment`, {
      instanceId: this.instance.id,
      volumeId: this.dataVolume.id,
      deviceName: '/dev/sdf',
      stopInstanceBeforeDetaching: true,
    }, child);

    this.instanceId = this.instance.id;
    this.privateIp = this.instance.privateIp;
    this.enode = pulumi.output(args.enode);
    this.registerOutputs({ instanceId: this.instanceId, privateIp: this.privateIp, enode: this.enode, keyParameterName: args.keyParameterName });
  }
}
