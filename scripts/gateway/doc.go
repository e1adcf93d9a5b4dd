// Package gateway holds the end-to-end federation test: peoplegraph, built from this
// repository and run in demo mode, composed by Hive Gateway with two small Node subgraphs
// that reference people by id and by work email.
//
// The Node side lives beside this file: tickets.mjs and watchers.mjs are the subgraphs,
// gateway.config.mjs configures the gateway, subscribe.mjs is the graphql-ws client the
// subscription checks drive, and package-lock.json pins the packages that "npm ci"
// installs into node_modules. The package has no code of its own; go test runs the
// _test.go files, which query and subscribe through the gateway.
package gateway
