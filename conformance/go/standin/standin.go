// Package standin serves providers that declare only a provider's name and the schema of the
// data sources aks-day2 uses, for providers the Go module proxy does not serve (azuread, dns).
// OpenTofu reads their schema to validate the configuration and to mock them in `tofu test`;
// nothing is ever read through them: a Read fails and says why.
package standin

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// DataSource is one data source: its type name without the provider prefix, its schema, and
// an optional check of its configuration.
type DataSource struct {
	Name     string
	Schema   schema.Schema
	Validate func(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse)
}

type standinProvider struct {
	name        string
	config      pschema.Schema
	dataSources []DataSource
}

// Serve runs the provider as a plugin (protocol 6) under registry.opentofu.org/hashicorp/<name>.
func Serve(name string, config pschema.Schema, dataSources ...DataSource) error {
	p := &standinProvider{name: name, config: config, dataSources: dataSources}
	return providerserver.Serve(context.Background(), func() provider.Provider { return p }, providerserver.ServeOpts{
		Address: "registry.opentofu.org/hashicorp/" + name,
	})
}

func (p *standinProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = p.name
}

func (p *standinProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = p.config
}

func (p *standinProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {}

func (p *standinProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *standinProvider) DataSources(context.Context) []func() datasource.DataSource {
	out := make([]func() datasource.DataSource, 0, len(p.dataSources))
	for _, d := range p.dataSources {
		d := d
		out = append(out, func() datasource.DataSource { return &standinDataSource{provider: p.name, def: d} })
	}
	return out
}

type standinDataSource struct {
	provider string
	def      DataSource
}

func (d *standinDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.def.Name
}

func (d *standinDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = d.def.Schema
}

func (d *standinDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	if d.def.Validate != nil {
		d.def.Validate(ctx, req, resp)
	}
}

func (d *standinDataSource) Read(_ context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	resp.Diagnostics.AddError("stand-in provider",
		"aks-day2's conformance stand-in for the "+d.provider+" provider declares schemas only and reads nothing; mock it in tofu test")
}
