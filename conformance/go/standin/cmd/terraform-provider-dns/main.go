// The dns provider as far as aks-day2 uses it: data "dns_a_record_set" (the API server's
// addresses for the firewall allow-list). Schema as declared by hashicorp/terraform-provider-dns
// v3.4.3, internal/provider/data_dns_a_record_set.go: host (required), addrs (computed list of
// strings), id (computed). The provider block's own `update` settings are not declared: the
// stacks write an empty provider block.
package main

import (
	"log"

	"aks-day2.local/conformance/standin"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func main() {
	err := standin.Serve("dns", pschema.Schema{}, standin.DataSource{
		Name: "a_record_set",
		Schema: schema.Schema{Attributes: map[string]schema.Attribute{
			"host":  schema.StringAttribute{Required: true},
			"addrs": schema.ListAttribute{ElementType: types.StringType, Computed: true},
			"id":    schema.StringAttribute{Computed: true},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
}
