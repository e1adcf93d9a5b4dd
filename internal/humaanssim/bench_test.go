package humaanssim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkListPeoplePageHTTP lists 250-person pages of a 10,000-person company over a
// loopback connection, cycling through the whole list.
func BenchmarkListPeoplePageHTTP(b *testing.B) {
	ts := newTestSim(b, Options{People: 10_000, Seed: 1})
	client := &http.Client{}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		req, _ := http.NewRequest(http.MethodGet,
			ts.api+"/people?$limit=250&$skip="+itoa(i%40*250), nil)
		req.Header.Set("Authorization", "Bearer "+ts.Token())
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		b.SetBytes(n)
	}
}

// BenchmarkServePage measures the simulator's own cost of a 250-row page of each list
// route for a 10,000-person company, without the network.
func BenchmarkServePage(b *testing.B) {
	s, err := New(Options{People: 10_000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	s.AddToken("public", ScopePublicRead)
	cases := []struct{ name, token, path string }{
		{"people", s.Token(), "/api/people?$limit=250&$skip=5000"},
		{"people public", "public", "/api/people?$limit=250&$skip=5000"},
		{"people filtered", s.Token(), "/api/people?$limit=250&status=active&$skip=5000"},
		{"job-roles asOf", s.Token(), "/api/job-roles?$limit=250&$asOf=2026-06-01&$skip=5000"},
		{"custom-values", s.Token(), "/api/custom-values?$limit=250&$skip=20000"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, c.path, nil)
			req.Header.Set("Authorization", "Bearer "+c.token)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				s.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}

// BenchmarkGenerate builds companies of the sizes the sync benchmarks use.
func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := New(Options{People: n, Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
