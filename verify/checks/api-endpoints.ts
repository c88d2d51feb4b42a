import type { Check } from '../check';

interface Endpoint {
  readonly addresses?: readonly string[];
  readonly conditions?: { readonly ready?: boolean | null };
}
interface EndpointPort {
  readonly name?: string;
  readonly port?: number;
}

/** The `kubernetes` Service's EndpointSlices carry this label (v1 Endpoints is deprecated since 1.33). */
export const API_SERVER_SLICE_SELECTOR = 'kubernetes.io/service-name=kubernetes';

/** Runbook: "Get API-Server IP: kubectl get endpoints --namespace default kubernetes", for the firewall allow-list. */
export const apiEndpointsCheck: Check = {
  id: 'api-endpoints',
  title: "API server's endpoint IPs (for the firewall allow-list)",
  notApplicable: () => undefined,
  async run({ api }) {
    const slices = (await api.listEndpointSlices('default', API_SERVER_SLICE_SELECTOR)).items;
    const expected = 'at least one ready API server address in the EndpointSlices of service default/kubernetes';
    if (slices.length === 0) {
      return { passed: false, expected, got: `no EndpointSlice labelled ${API_SERVER_SLICE_SELECTOR} in namespace default` };
    }
    const ready = new Set<string>();
    const notReady = new Set<string>();
    for (const slice of slices) {
      const ports = ((slice.ports ?? []) as EndpointPort[]).map((p) => p.port).filter((p): p is number => typeof p === 'number');
      const suffix = ports.length > 0 ? `:${ports.join(',')}` : '';
      for (const endpoint of (slice.endpoints ?? []) as Endpoint[]) {
        // EndpointSlice semantics: an unset `ready` means ready.
        const target = endpoint.conditions?.ready === false ? notReady : ready;
        for (const address of endpoint.addresses ?? []) target.add(`${address}${suffix}`);
      }
    }
    const sorted = (s: Set<string>) => [...s].sort();
    const got = [
      ready.size > 0 ? sorted(ready).join(', ') : 'no ready address',
      notReady.size > 0 ? `not ready: ${sorted(notReady).join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return { passed: ready.size > 0, expected, got };
  },
};
