// The azuread provider as far as aks-day2 uses it: data "azuread_service_principal" found by
// client_id (a monitoring principal given as an appId). Schema as declared by
// hashicorp/terraform-provider-azuread v3.7.0,
// internal/services/serviceprincipals/service_principal_data_source.go: client_id, object_id and
// display_name are optional and computed, and exactly one of them must be set; of the computed
// attributes only those aks-day2 might read are declared (a reference to any other fails
// validation here although the real provider has it). The provider block's settings (tenant,
// authentication) are not declared: the stacks write an empty provider block.
package main

import (
	"context"
	"log"

	"aks-day2.local/conformance/standin"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var lookupKeys = []string{"client_id", "display_name", "object_id"}

// exactlyOne repeats the data source's ExactlyOneOf rule on client_id, display_name, object_id.
func exactlyOne(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	set := 0
	for _, key := range lookupKeys {
		var v types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(key), &v)...)
		if v.IsUnknown() || !v.IsNull() {
			set++
		}
	}
	if set != 1 {
		resp.Diagnostics.AddError("Invalid combination of arguments", `exactly one of "client_id", "display_name", "object_id" must be specified`)
	}
}

func main() {
	lookup := func() schema.StringAttribute { return schema.StringAttribute{Optional: true, Computed: true} }
	err := standin.Serve("azuread", pschema.Schema{}, standin.DataSource{
		Name: "service_principal",
		Schema: schema.Schema{Attributes: map[string]schema.Attribute{
			"id":                    schema.StringAttribute{Computed: true},
			"client_id":             lookup(),
			"display_name":          lookup(),
			"object_id":             lookup(),
			"account_enabled":       schema.BoolAttribute{Computed: true},
			"application_tenant_id": schema.StringAttribute{Computed: true},
			"type":                  schema.StringAttribute{Computed: true},
		}},
		Validate: exactlyOne,
	})
	if err != nil {
		log.Fatal(err)
	}
}
