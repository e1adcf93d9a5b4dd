package graph_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/peoplegraph/peoplegraph/internal/auth"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

const (
	goldenSDL = "testdata/federation.graphql"
	actualSDL = "testdata/federation.actual.graphql"
)

// serviceSDL fetches _service { sdl } without a token.
func serviceSDL(t *testing.T, e *env) string {
	t.Helper()
	var out struct {
		Service struct {
			SDL string `json:"sdl"`
		} `json:"_service"`
	}
	e.query(t, `{ _service { sdl } }`, nil, &out)
	return out.Service.SDL
}

func TestGoldenFederationSDL(t *testing.T) {
	e := newEnv(t, storetest.Open(t), envOptions{noSync: true,
		auth: auth.NewStatic(map[string][]auth.Scope{"reader": {auth.ScopeDirectoryRead}})})
	sdl := serviceSDL(t, e)

	if os.Getenv("PEOPLEGRAPH_UPDATE_GOLDEN") == "1" {
		require.NoError(t, os.WriteFile(goldenSDL, []byte(sdl), 0o644))
	}
	want, err := os.ReadFile(goldenSDL)
	require.NoError(t, err, "run PEOPLEGRAPH_UPDATE_GOLDEN=1 go test ./graph -run Golden")
	if string(want) != sdl {
		require.NoError(t, os.WriteFile(actualSDL, []byte(sdl), 0o644))
		t.Fatalf("_service.sdl differs from %s; see %s, or refresh with "+
			"PEOPLEGRAPH_UPDATE_GOLDEN=1 go test ./graph -run Golden", goldenSDL,
			filepath.Base(actualSDL))
	}
	_ = os.Remove(actualSDL)
}

func TestServiceSDL(t *testing.T) {
	e := newEnv(t, storetest.Open(t), envOptions{noSync: true,
		auth: auth.NewStatic(map[string][]auth.Scope{"reader": {auth.ScopeDirectoryRead}})})
	sdl := serviceSDL(t, e)

	t.Run("it answers without a token and parses", func(t *testing.T) {
		_, err := parser.ParseSchema(&ast.Source{Name: "sdl", Input: sdl})
		require.NoError(t, err)
	})
	t.Run("it links one federation version with known imports", func(t *testing.T) {
		link := regexp.MustCompile(
			`@link\(\s*url:\s*"https://specs.apollo.dev/federation/v(\d+\.\d+)"`)
		links := link.FindAllStringSubmatch(sdl, -1)
		require.Len(t, links, 1)
		require.Equal(t, "2.7", links[0][1])
		imports := regexp.MustCompile(`import:\s*\[([^\]]*)\]`).FindStringSubmatch(sdl)
		require.NotNil(t, imports)
		for _, name := range strings.Split(imports[1], ",") {
			name = strings.Trim(strings.TrimSpace(name), `"`)
			require.Contains(t, []string{"@key", "@shareable"}, name)
		}
	})
	t.Run("Person has both keys", func(t *testing.T) {
		require.Contains(t, sdl, `type Person @key(fields: "id") @key(fields: "workEmail")`)
	})
	t.Run("every type and field is described", func(t *testing.T) {
		doc, err := parser.ParseSchema(&ast.Source{Name: "sdl", Input: sdl})
		require.NoError(t, err)
		for _, def := range append(doc.Definitions, doc.Extensions...) {
			if def.Kind != ast.Scalar && def.Name != "Query" && def.Name != "Mutation" {
				require.NotEmpty(t, def.Description, "type %s", def.Name)
			}
			for _, f := range def.Fields {
				require.NotEmpty(t, f.Description, "field %s.%s", def.Name, f.Name)
			}
			for _, v := range def.EnumValues {
				require.NotEmpty(t, v.Description, "enum value %s.%s", def.Name, v.Name)
			}
		}
	})
}
