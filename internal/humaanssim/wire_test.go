package humaanssim

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// maxArgBytes is the most a single command-line argument may hold on Linux
// (MAX_ARG_STRLEN, including the terminating NUL).
const maxArgBytes = 128 << 10

func TestPeoplePagesAreSparseByDefault(t *testing.T) {
	for _, seed := range []int64{1, 7, 11, 42, 2026} {
		t.Run(fmt.Sprintf("seed %d keeps a full page under the argument limit", seed), func(t *testing.T) {
			ts := newTestSim(t, Options{People: 600, Seed: seed})
			status, body := ts.get(t, "people?$limit=250")
			require.Equal(t, http.StatusOK, status)
			require.Less(t, len(body), maxArgBytes-1, "a 250-row page is %d bytes", len(body))
			t.Logf("a 250-row page of people is %d bytes", len(body))
			env := mustList[map[string]any](t, ts, "people?$limit=250")
			for _, p := range env.Data {
				for k, v := range p {
					require.NotNil(t, v, "sparse people leave out %s instead of sending null", k)
				}
				require.NotContains(t, p, "workingDays")
				require.NotContains(t, p, "address")
			}
		})
	}

	t.Run("full profiles send nulls, the address block and the working week", func(t *testing.T) {
		ts := newTestSim(t, Options{People: 20, Seed: 1, FullProfiles: true})
		env := mustList[map[string]any](t, ts, "people?$limit=5")
		for _, p := range env.Data {
			require.Contains(t, p, "workingDays")
			require.Contains(t, p, "address")
			require.Contains(t, p, "profilePhoto")
			require.Contains(t, p, "employmentEndDate")
			require.Contains(t, p, "isWorkEmailHidden")
		}
	})
}
