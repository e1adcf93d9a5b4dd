//go:build !race

package gateway

// raceBuild is false when the test runs without the race detector; see race_on_test.go.
const raceBuild = false
