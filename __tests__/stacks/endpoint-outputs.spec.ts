/**
 * "find the Public IP of the AKS cluster ... for IP whitelisting" and the App Gateway's public
 * IP, as Terraform outputs. Stands in for `cdktf output`; the values themselves exist only
 * after a plan against Azure and DNS.
 */
import { exampleDoc, minimalDoc, synthDoc, withCluster } from './helpers';

describe('endpoint outputs on the example (public cluster with an App Gateway)', () => {
  const { json } = synthDoc(exampleDoc());

  test('api_server_fqdn is the public FQDN of the looked-up cluster', () => {
    expect(json.output.api_server_fqdn.value).toBe('${data.azurerm_kubernetes_cluster.aks.fqdn}');
  });

  test('api_server_ips resolves that FQDN with the dns provider', () => {
    expect(json.data.dns_a_record_set.api_server).toEqual({ host: '${data.azurerm_kubernetes_cluster.aks.fqdn}' });
    expect(json.output.api_server_ips.value).toBe('${data.dns_a_record_set.api_server.addrs}');
    expect(json.provider.dns).toEqual([{}]);
    expect(json.terraform.required_providers.dns.version).toBe('3.4.3');
  });

  test("app_gateway_public_ip is the public IP lookup's address", () => {
    expect(json.output.app_gateway_public_ip.value).toBe('${data.azurerm_public_ip.app_gateway_public_ip.ip_address}');
  });

  test('firewall_allowlist combines both as sorted, distinct /32 CIDRs', () => {
    expect(json.output.firewall_allowlist.value).toBe(
      '${sort(distinct(formatlist("%s/32", concat(data.dns_a_record_set.api_server.addrs, [data.azurerm_public_ip.app_gateway_public_ip.ip_address]))))}',
    );
  });

  test('every output says what it is', () => {
    for (const out of Object.values(json.output) as Array<{ description?: string }>) {
      expect(out.description).toMatch(/\w/);
    }
  });
});

describe('endpoint outputs exist only for what is configured', () => {
  test('no appGateway: no gateway lookup or output; the allowlist holds the API server only', () => {
    const { json } = synthDoc(withCluster(exampleDoc(), (c) => void delete c.appGateway));
    expect(json.output.app_gateway_public_ip).toBeUndefined();
    expect(json.data.azurerm_public_ip).toBeUndefined();
    expect(json.output.firewall_allowlist.value).toBe(
      '${sort(distinct(formatlist("%s/32", concat(data.dns_a_record_set.api_server.addrs))))}',
    );
  });

  test('private cluster: private_fqdn, no DNS resolution, allowlist from the gateway only', () => {
    const { json, stack } = synthDoc(
      withCluster(exampleDoc(), (c) => {
        c.privateCluster = true;
      }),
    );
    expect(json.output.api_server_fqdn.value).toBe('${data.azurerm_kubernetes_cluster.aks.private_fqdn}');
    expect(json.output.api_server_ips).toBeUndefined();
    expect(json.data.dns_a_record_set).toBeUndefined();
    expect(json.provider.dns).toBeUndefined();
    expect(json.terraform.required_providers.dns).toBeUndefined();
    expect(json.output.firewall_allowlist.value).toBe(
      '${sort(distinct(formatlist("%s/32", concat([data.azurerm_public_ip.app_gateway_public_ip.ip_address]))))}',
    );
    expect(stack.endpoints.apiServerDns).toBeUndefined();
  });

  test('private cluster without a gateway: nothing to allowlist, so no allowlist output', () => {
    const { json } = synthDoc(
      withCluster(minimalDoc(), (c) => {
        c.privateCluster = true;
      }),
    );
    expect(Object.keys(json.output)).toEqual(['api_server_fqdn']);
  });
});
