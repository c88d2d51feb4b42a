import { Fn, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import type { DataAzurermKubernetesCluster, DataAzurermPublicIp } from './terraform-classes';
import { DataDnsARecordSet } from './terraform-classes';

export interface EndpointOutputsProps {
  /** The cluster lookup. */
  readonly cluster: DataAzurermKubernetesCluster;
  /**
   * The API server has only a private address: output `private_fqdn`.
   * @default false
   */
  readonly privateCluster?: boolean;
  /**
   * Resolve the API server's FQDN to its IPs at plan time (needs the dns provider).
   * Off for private clusters: their FQDN resolves only inside the VNet (the runner usually
   * is not), and a private address is not what an outside firewall allowlists.
   * @default !privateCluster
   */
  readonly resolveApiServerIps?: boolean;
  /**
   * The App Gateway's public IP lookup, when appGateway is configured.
   * @default undefined: no app_gateway_public_ip output
   */
  readonly appGatewayPublicIp?: DataAzurermPublicIp;
}

/**
 * The addresses a firewall team asks for. Runbook: "find the Public IP (PIP) of the AKS
 * cluster to be able to add it to firewalls for IP whitelisting" (`kubectl get endpoints
 * --namespace default kubernetes`) and "az network public-ip show -g $RG -n
 * $AGPUBLICIP_NAME --query ipAddress". Read with `cdktf output <cluster>` or
 * `terraform output -json firewall_allowlist`.
 */
export class EndpointOutputs extends Construct {
  public readonly apiServerFqdn: TerraformOutput;
  public readonly apiServerIps?: TerraformOutput;
  public readonly appGatewayIp?: TerraformOutput;
  /**
   * Every address above as a sorted, de-duplicated list of `/32` CIDRs: the one value to paste
   * into an allowlist. Absent when there is no address to list (private cluster, no gateway).
   */
  public readonly firewallAllowlist?: TerraformOutput;
  /** The DNS lookup of the API server's FQDN, when resolved. */
  public readonly apiServerDns?: DataDnsARecordSet;

  constructor(scope: Construct, id: string, props: EndpointOutputsProps) {
    super(scope, id);
    const privateCluster = props.privateCluster ?? false;
    const fqdn = privateCluster ? props.cluster.privateFqdn : props.cluster.fqdn;

    this.apiServerFqdn = output(this, 'api_server_fqdn', {
      value: fqdn,
      description: privateCluster
        ? 'Private FQDN of the API server (resolves inside the cluster VNet)'
        : 'Public FQDN of the API server',
    });

    const addresses: string[][] = [];
    if (props.resolveApiServerIps ?? !privateCluster) {
      this.apiServerDns = new DataDnsARecordSet(this, 'api-server-dns', { host: fqdn });
      this.apiServerDns.overrideLogicalId('api_server');
      this.apiServerIps = output(this, 'api_server_ips', {
        value: this.apiServerDns.addrs,
        description: 'IPv4 addresses the API server FQDN resolves to (kubectl get endpoints kubernetes)',
      });
      addresses.push(this.apiServerDns.addrs);
    }

    if (props.appGatewayPublicIp) {
      const ip = props.appGatewayPublicIp.ipAddress;
      this.appGatewayIp = output(this, 'app_gateway_public_ip', {
        value: ip,
        description: 'Public IP of the Application Gateway (WAF, ingress point for workloads)',
      });
      addresses.push([ip]);
    }

    if (addresses.length > 0) {
      this.firewallAllowlist = output(this, 'firewall_allowlist', {
        value: Fn.sort(Fn.distinct(Fn.formatlist('%s/32', [Fn.concat(addresses)]))),
        description: 'API server and App Gateway addresses as /32 CIDRs, sorted, for firewall allowlists',
      });
    }
  }
}

/** An output named exactly `name` at the stack's top level, wherever it is declared. */
function output(scope: Construct, name: string, config: { value: unknown; description: string }): TerraformOutput {
  const out = new TerraformOutput(scope, name, config);
  out.overrideLogicalId(name);
  return out;
}
