// constraint-crd prints the CustomResourceDefinition Gatekeeper's controller would create for a
// ConstraintTemplate, so the conformance API server can accept the constraint (kind
// K8sAllowedRepos) without a running Gatekeeper. It runs Gatekeeper's own code for each step, as
// pkg/controller/constrainttemplate/constrainttemplate_controller.go (v3.23.1) does: the template
// is read and made versionless as gator reads it (pkg/gator/reader.ToTemplate), the CRD is made
// by the constraint framework client with Gatekeeper's target and drivers (pkg/gator/opa.go's
// NewOPAClient with the K8sNativeValidation CEL driver; client.CreateCRD also validates it), and
// converted to apiextensions.k8s.io/v1 with the same scheme. The controller's owner reference is
// left out (there is no template object to own it).
//
// Usage: constraint-crd < template.yaml > crd.json
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	constraintclient "github.com/open-policy-agent/frameworks/constraint/pkg/client"
	"github.com/open-policy-agent/frameworks/constraint/pkg/client/drivers/rego"
	"github.com/open-policy-agent/gatekeeper/v3/apis"
	"github.com/open-policy-agent/gatekeeper/v3/pkg/drivers/k8scel"
	"github.com/open-policy-agent/gatekeeper/v3/pkg/gator/reader"
	"github.com/open-policy-agent/gatekeeper/v3/pkg/target"
	"github.com/open-policy-agent/gatekeeper/v3/pkg/util"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "constraint-crd: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	scheme := runtime.NewScheme()
	if err := apis.AddToScheme(scheme); err != nil {
		return err
	}
	if err := apiextensionsv1.AddToScheme(scheme); err != nil {
		return err
	}
	objs, err := reader.ReadK8sResources(os.Stdin)
	if err != nil {
		return err
	}
	if len(objs) != 1 {
		return fmt.Errorf("expected one ConstraintTemplate on stdin, got %d objects", len(objs))
	}
	template, err := reader.ToTemplate(scheme, objs[0])
	if err != nil {
		return err
	}
	// The client as pkg/gator/opa.go builds it: Gatekeeper's target, the CEL and Rego drivers.
	cel, err := k8scel.New()
	if err != nil {
		return err
	}
	regoDriver, err := rego.New()
	if err != nil {
		return err
	}
	client, err := constraintclient.NewClient(
		constraintclient.Targets(&target.K8sValidationTarget{}),
		constraintclient.Driver(cel),
		constraintclient.Driver(regoDriver),
		constraintclient.EnforcementPoints(util.GatorEnforcementPoint),
	)
	if err != nil {
		return err
	}
	crd, err := client.CreateCRD(context.Background(), template)
	if err != nil {
		return err
	}
	out := &apiextensionsv1.CustomResourceDefinition{}
	if err := scheme.Convert(crd, out, nil); err != nil {
		return err
	}
	out.APIVersion = "apiextensions.k8s.io/v1"
	out.Kind = "CustomResourceDefinition"
	return json.NewEncoder(os.Stdout).Encode(out)
}
