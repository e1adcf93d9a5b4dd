//go:build race

package gateway

// raceBuild makes the test build peoplegraph with the race detector when the test itself
// runs with it: the build then reuses the packages compiled for the test run, and the
// server is checked for data races under gateway traffic.
const raceBuild = true
