// Command peoplegraph mirrors a company's Humaans directory into its own
// database and serves it as an Apollo Federation v2 subgraph.
//
// Run it with -help for its flags; each takes its default from an
// environment variable. "peoplegraph humaans-sim" runs the Humaans simulator.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // lifecycle triggers need every IANA zone, even in a bare image

	"github.com/peoplegraph/peoplegraph/internal/app"
)

// version is set at build time by scripts/build.sh.
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Main(ctx, os.Args[1:], os.Stdout, os.Stderr, app.Getenv, version)
	stop()
	os.Exit(code)
}
