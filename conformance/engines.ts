/**
 * The real engines `npm run conformance` builds and runs, each at one pinned version: this file
 * is the only place a version is written. Every engine is built from the Go module proxy with an
 * ordinary `go install` or `go build`; none of their source or binaries is committed.
 *
 * Where a module's go.mod carries `replace` lines, `go install module@version` refuses it; such
 * an engine is built as a `tool` dependency of a small module of ours under conformance/go/<dir>/
 * that repeats the lines (its go.mod and go.sum are committed: they pin every dependency).
 */

export type EngineId =
  | 'tofu'
  | 'azurerm'
  | 'azuread'
  | 'dns'
  | 'etcd'
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kubectl'
  | 'constraint-crd'
  | 'gator'
  | 'opa';

export type Recipe =
  /** `GOBIN=<cache> go install <pkg>@<moduleVersion>`: the module has no replace lines. */
  | { readonly kind: 'install'; readonly pkg: string }
  /** `go build -o <cache>/<binary> <pkg>` inside conformance/go/<dir>/ (a module of ours). */
  | { readonly kind: 'tool'; readonly dir: string; readonly pkg: string };

export interface Engine {
  readonly id: EngineId;
  /** The version as its project names it (a release tag, or a commit when no release is served). */
  readonly version: string;
  /** Go module and the version the module proxy serves it at. */
  readonly module: string;
  readonly moduleVersion: string;
  readonly recipe: Recipe;
  /** `-ldflags` as the project's own release build sets them, where that changes behaviour we read. */
  readonly ldflags?: string;
  /** File name of the built binary in its cache folder. */
  readonly binary: string;
  /** What a reader of the closing table must know about this version. */
  readonly note?: string;
}

/** Kubernetes minor AKS supports (1.36: GA on AKS since 2026-06; ImageVolume is GA in it). */
const KUBERNETES = 'v1.36.3';

export const ENGINES: readonly Engine[] = [
  {
    id: 'tofu',
    version: 'v1.12.6',
    module: 'github.com/opentofu/opentofu',
    moduleVersion: 'v1.12.6',
    // go.mod: replace github.com/hashicorp/hcl/v2 => github.com/opentofu/hcl/v2 (its HCL fork).
    recipe: { kind: 'tool', dir: 'tofu', pkg: 'github.com/opentofu/opentofu/cmd/tofu' },
    // Without it the binary calls itself v1.12.6-dev (version/version.go).
    ldflags: '-X github.com/opentofu/opentofu/version.dev=no',
    binary: 'tofu',
  },
  {
    id: 'azurerm',
    // The module path has no /v4 (or /v5), so a release is addressable only as the pseudo-version
    // of its commit, and the proxy serves exactly one: main of 2026-08-24, after v5.2.0. The
    // commit of v4.55.0 (37bf7f03b661), which @cdktf/provider-azurerm 14.23.1 was generated
    // from, is refused (403), as are v4.55.0+incompatible and its pseudo-version.
    version: 'fae580791926',
    module: 'github.com/hashicorp/terraform-provider-azurerm',
    moduleVersion: 'v1.44.1-0.20260824201233-fae580791926',
    recipe: { kind: 'install', pkg: 'github.com/hashicorp/terraform-provider-azurerm' },
    binary: 'terraform-provider-azurerm',
    note: 'main of 2026-08-24 (after v5.2.0), the only commit the Go module proxy serves; the stacks pin v4.55.0',
  },
  {
    id: 'azuread',
    // Not on the Go module proxy at any version: a stand-in that declares the provider's name
    // and the schema of the one data source the stacks use (conformance/go/standin/).
    version: 'v3.7.0 (stand-in)',
    module: 'aks-day2.local/conformance/standin',
    moduleVersion: '(this repository)',
    recipe: { kind: 'tool', dir: 'standin', pkg: 'aks-day2.local/conformance/standin/cmd/terraform-provider-azuread' },
    binary: 'terraform-provider-azuread',
    note: 'the Go module proxy serves no version of hashicorp/terraform-provider-azuread: schema stand-in',
  },
  {
    id: 'dns',
    version: 'v3.4.3 (stand-in)',
    module: 'aks-day2.local/conformance/standin',
    moduleVersion: '(this repository)',
    recipe: { kind: 'tool', dir: 'standin', pkg: 'aks-day2.local/conformance/standin/cmd/terraform-provider-dns' },
    binary: 'terraform-provider-dns',
    note: 'the Go module proxy serves no version of hashicorp/terraform-provider-dns: schema stand-in',
  },
  {
    id: 'etcd',
    version: 'v3.6.16',
    module: 'go.etcd.io/etcd/server/v3',
    moduleVersion: 'v3.6.16',
    // server/go.mod points api, client and pkg at ../ with replace lines.
    recipe: { kind: 'tool', dir: 'etcd', pkg: 'go.etcd.io/etcd/server/v3' },
    binary: 'etcd',
  },
  {
    id: 'kube-apiserver',
    version: KUBERNETES,
    module: 'k8s.io/kubernetes',
    moduleVersion: KUBERNETES,
    // go.mod points every k8s.io/* staging module at ./staging/src with replace lines.
    recipe: { kind: 'tool', dir: 'kubernetes', pkg: 'k8s.io/kubernetes/cmd/kube-apiserver' },
    binary: 'kube-apiserver',
  },
  {
    id: 'kube-controller-manager',
    version: KUBERNETES,
    module: 'k8s.io/kubernetes',
    moduleVersion: KUBERNETES,
    recipe: { kind: 'tool', dir: 'kubernetes', pkg: 'k8s.io/kubernetes/cmd/kube-controller-manager' },
    binary: 'kube-controller-manager',
  },
  {
    id: 'kubectl',
    version: KUBERNETES,
    module: 'k8s.io/kubernetes',
    moduleVersion: KUBERNETES,
    recipe: { kind: 'tool', dir: 'kubernetes', pkg: 'k8s.io/kubernetes/cmd/kubectl' },
    binary: 'kubectl',
  },
  {
    id: 'constraint-crd',
    // Ours: Gatekeeper's own code (v3.23.1, the constraint framework's CreateCRD) turning a
    // ConstraintTemplate into the constraint's CRD, as Gatekeeper's controller does, so the API
    // server accepts constraints without a running Gatekeeper (conformance/go/gatekeeper/).
    version: 'v3.23.1',
    module: 'github.com/open-policy-agent/gatekeeper/v3',
    moduleVersion: 'v3.23.1',
    recipe: { kind: 'tool', dir: 'gatekeeper', pkg: 'aks-day2.local/conformance/gatekeeper/cmd/constraint-crd' },
    binary: 'constraint-crd',
    note: "Gatekeeper's controller code, run as a command: the constraint CRD from the template",
  },
  {
    id: 'gator',
    version: 'v3.23.1',
    module: 'github.com/open-policy-agent/gatekeeper/v3',
    moduleVersion: 'v3.23.1',
    recipe: { kind: 'install', pkg: 'github.com/open-policy-agent/gatekeeper/v3/cmd/gator' },
    binary: 'gator',
  },
  {
    id: 'opa',
    version: 'v1.22.4',
    module: 'github.com/open-policy-agent/opa',
    moduleVersion: 'v1.22.4',
    recipe: { kind: 'install', pkg: 'github.com/open-policy-agent/opa' },
    binary: 'opa',
  },
];

export function engine(id: EngineId): Engine {
  const e = ENGINES.find((x) => x.id === id);
  if (!e) throw new Error(`no engine ${id}`);
  return e;
}
